#!/usr/bin/env bash
# Start the built bundle the way a newcomer would (fresh home, real X server via Xvfb) and
# check it opens the demo workspace, paints the window and exits 0; then validate the
# desktop entry and AppStream metainfo.   usage: packaging/package_test.sh [dist/feedback-inbox]
set -euo pipefail
cd "$(dirname "$0")/.."
BUNDLE=${1:-dist/feedback-inbox}
APP="$BUNDLE/feedback-inbox"
[ -x "$APP" ] || { echo "package-test: no bundle at $APP (run make package)" >&2; exit 1; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export HOME="$TMP/home" XDG_DATA_HOME="$TMP/data" XDG_CONFIG_HOME="$TMP/config" \
       XDG_CACHE_HOME="$TMP/cache" XDG_STATE_HOME="$TMP/state" XDG_RUNTIME_DIR="$TMP/run"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
unset INBOX_DB QT_QPA_PLATFORM  # the real xcb platform plugin, as on a desktop

echo "package-test: bundle $(du -sh "$BUNDLE" | cut -f1) in $BUNDLE"
version=$("$APP" --version)
echo "package-test: $version"
python_version=$(grep -m1 '__version__' inbox/__init__.py | cut -d'"' -f2)
[[ "$version" == *"$python_version"* ]] || { echo "package-test: version mismatch" >&2; exit 1; }

# The bundle must carry what the app needs and not what it doesn't.
for need in PySide6/Qt/lib/libQt6Charts.so.6 PySide6/QtCharts.abi3.so PySide6/Qt/plugins/platforms/libqxcb.so \
            PySide6/Qt/plugins/platforms/libqoffscreen.so resources/icons/feedback-inbox.svg \
            resources/icons/sources/google.svg; do
    [ -e "$BUNDLE/_internal/$need" ] || { echo "package-test: missing $need" >&2; exit 1; }
done
if find "$BUNDLE" -name 'libQt6WebEngine*' -o -name 'libQt6Quick*' -o -name 'libQt63D*' | grep -q .; then
    echo "package-test: unused Qt modules were bundled" >&2; exit 1
fi

# Nothing we dropped may be needed by what we kept.
missing=$(find "$BUNDLE" -name '*.so*' -type f -exec ldd {} + 2>/dev/null | grep 'libQt6.*not found' | sort -u || true)
[ -z "$missing" ] || { echo "package-test: a kept library needs a dropped one: $missing" >&2; exit 1; }

start=$(date +%s)
if ! timeout 180 xvfb-run -a -s "-screen 0 1280x800x24" "$APP" --smoke-test >"$TMP/out.txt" 2>&1; then
    echo "package-test: --smoke-test failed:" >&2; cat "$TMP/out.txt" >&2; exit 1
fi
cat "$TMP/out.txt"
grep -Eq "smoke test: [1-9][0-9]* rows painted" "$TMP/out.txt" || { echo "package-test: no rows were painted" >&2; exit 1; }
[ -s "$XDG_STATE_HOME/feedback-inbox/log/inbox.log" ] || { echo "package-test: no log file was written" >&2; exit 1; }
echo "package-test: smoke test passed in $(( $(date +%s) - start )) s (first start builds the demo workspace)"
[ -f "$XDG_DATA_HOME/feedback-inbox/demo.db" ] || { echo "package-test: no demo workspace was created" >&2; exit 1; }
if grep -q "Traceback" "$TMP/out.txt"; then cat "$TMP/out.txt" >&2; exit 1; fi

# Credentials: the bundle must find the Secret Service like the unpackaged app does (keyring
# discovers its backends through package metadata, which a bundle can silently lose).
if command -v gnome-keyring-daemon >/dev/null && command -v dbus-run-session >/dev/null; then
    keyring=$(dbus-run-session -- sh -c 'printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null;
              "$0" about' "$APP" 2>/dev/null | grep '^Keyring:' || true)
    echo "package-test: $keyring"
    [[ "$keyring" == *"SecretService"*"(usable)"* ]] || { echo "package-test: the bundle cannot use the keyring" >&2; exit 1; }
else
    echo "package-test: no gnome-keyring here; keyring check skipped"
fi

desktop-file-validate packaging/linux/feedback-inbox.desktop
appstreamcli validate --no-net packaging/linux/org.feedbackinbox.FeedbackInbox.metainfo.xml

# The per-user install: the installed menu entry is valid and starts the installed copy.
packaging/linux/install-user.sh "$BUNDLE"
installed="$XDG_DATA_HOME/applications/feedback-inbox.desktop"
desktop-file-validate "$installed"
exec_path=$(sed -n 's/^TryExec=//p' "$installed")
"$exec_path" --version >/dev/null
[ -f "$XDG_DATA_HOME/icons/hicolor/256x256/apps/feedback-inbox.png" ] || { echo "package-test: icon not installed" >&2; exit 1; }
packaging/linux/install-user.sh --uninstall >/dev/null
[ ! -e "$installed" ] && [ ! -e "$HOME/.local/lib/feedback-inbox" ] || { echo "package-test: uninstall left files" >&2; exit 1; }
echo "package-test: OK"
