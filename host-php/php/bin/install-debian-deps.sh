#!/usr/bin/env bash
# Installs the Debian packages the PHP host and its tests need, when missing (non-interactive).
# Extra package names may be passed as arguments.
set -euo pipefail
packages=(php8.2-cli php8.2-sqlite3 php8.2-mbstring phpunit "$@")
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "Installing: ${missing[*]}" >&2
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
