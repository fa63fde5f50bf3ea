"""A team inbox over TLS with `sslmode=verify-full`: the server's certificate must be signed
by the CA the member trusts and name the host; a server that cannot prove it is refused."""

from __future__ import annotations

import datetime
import ipaddress

import pytest

from inbox.store import DatabaseError
from inbox.store.team import TeamStore, init_team
from tests.pg import start_server


def _certificates(tmp_path):
    """A CA, a server certificate for 127.0.0.1 signed by it, and a second, unrelated CA."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)

    def name(text: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])

    def ca(label: str):
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (x509.CertificateBuilder().subject_name(name(label)).issuer_name(name(label))
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
                .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                .sign(key, hashes.SHA256()))
        return key, cert

    ca_key, ca_cert = ca("Shop CA")
    _, other_cert = ca("Someone else's CA")
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(name("shop-server")).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    (tmp_path / "ca.pem").write_bytes(ca_cert.public_bytes(pem))
    (tmp_path / "other-ca.pem").write_bytes(other_cert.public_bytes(pem))
    key_pem = key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return cert.public_bytes(pem), key_pem


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    server = start_server(tls=_certificates(folder))
    yield server, folder
    server.stop()


def test_verify_full_connects_to_the_right_server_and_refuses_an_unproven_one(tls_server):
    server, folder = tls_server
    db = server.create_database()
    url = f"{server.url(db)}?sslmode=verify-full&sslrootcert={folder / 'ca.pem'}"
    init_team(url, server.password)
    with TeamStore(url, password=server.password) as store:
        with store.cursor() as cur:
            assert cur.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone()[0] is True
        assert store.path == server.url(db)  # what is shown: no password, no options
    forged = f"{server.url(db)}?sslmode=verify-full&sslrootcert={folder / 'other-ca.pem'}"
    with pytest.raises(DatabaseError, match="could not prove who it is") as err:
        TeamStore(forged, password=server.password)
    assert server.password not in str(err.value)
