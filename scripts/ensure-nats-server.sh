#!/usr/bin/env bash
# Makes sure a nats-server binary is on the PATH for the jorchestrate-nats tests, which start
# real brokers as child processes. Installs Debian's package (2.9.10) when it is missing and this
# user may run apt-get; otherwise says how to install it and fails. Idempotent and quick when the
# server is already there. Run by the jorchestrate-nats build before its tests; also by hand.
set -euo pipefail
if command -v nats-server >/dev/null 2>&1; then
  exit 0
fi
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
  fi
fi
if command -v apt-get >/dev/null 2>&1 && { [[ $(id -u) -eq 0 ]] || [[ -n $sudo ]]; }; then
  echo "nats-server is missing: installing Debian's nats-server package" >&2
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q nats-server
  command -v nats-server >/dev/null 2>&1 && exit 0
fi
cat >&2 <<'MSG'
nats-server is not installed, and this script cannot install it here.
The jorchestrate-nats tests start real NATS brokers and need the nats-server binary on the PATH:
  Debian/Ubuntu:  sudo apt-get update && sudo apt-get install -y nats-server
  elsewhere:      https://docs.nats.io/running-a-nats-service/introduction/installation
or put the binary's path in the NATS_SERVER environment variable.
MSG
exit 1
