#!/usr/bin/env sh
# Install the built bundle for the current user, no root needed:
#   packaging/linux/install-user.sh [dist/feedback-inbox]      (uninstall: add --uninstall)
# Puts the app in ~/.local/lib/feedback-inbox, a `feedback-inbox` link in ~/.local/bin, and the
# menu entry, AppStream metadata and icons under ~/.local/share. The menu entry names the
# executable by its full path, so it works even where ~/.local/bin is not on PATH.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
lib="$HOME/.local/lib/feedback-inbox"
bin="$HOME/.local/bin"
metainfo=org.feedbackinbox.FeedbackInbox.metainfo.xml

if [ "${1:-}" = "--uninstall" ]; then
    rm -rf "$lib" "$bin/feedback-inbox" "$data/applications/feedback-inbox.desktop" "$data/metainfo/$metainfo"
    find "$data/icons/hicolor" -name feedback-inbox.png -delete 2>/dev/null || true
    echo "Feedback Inbox removed (your data in $data/feedback-inbox is kept)."
    exit 0
fi

bundle=$(cd "${1:-$root/dist/feedback-inbox}" && pwd)
[ -x "$bundle/feedback-inbox" ] || { echo "no bundle at $bundle (run make package)" >&2; exit 1; }
mkdir -p "$HOME/.local/lib" "$bin" "$data/applications" "$data/metainfo" "$data/icons"
rm -rf "$lib"
cp -R "$bundle" "$lib"
ln -sf "$lib/feedback-inbox" "$bin/feedback-inbox"
sed -e "s|^Exec=.*|Exec=\"$lib/feedback-inbox\"|" -e "s|^TryExec=.*|TryExec=$lib/feedback-inbox|" \
    "$here/feedback-inbox.desktop" > "$data/applications/feedback-inbox.desktop"
cp "$here/$metainfo" "$data/metainfo/"
cp -R "$root/resources/icons/hicolor" "$data/icons/"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$data/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
echo "Feedback Inbox installed: find it in your applications menu, or run $lib/feedback-inbox"
