#!/usr/bin/env bash
# Runs the PHP host's PHPUnit suite (installs the Debian packages it needs first).
# Tests that need the built engine (dist/) skip with a message when it is absent: run ./build.sh first.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash host-php/php/bin/install-debian-deps.sh php8.2-fpm libfcgi-bin
exec phpunit -c host-php/php/phpunit.xml "$@"
