#!/usr/bin/env bash
# Installs EntroOS on a Debian or Ubuntu machine as a systemd service:
#
#   sudo scripts/install.sh                 # from a checkout: builds dist/standalone if needed
#   sudo scripts/install.sh --from DIR      # a standalone build made elsewhere (same Node major version)
#
# What it does (again on every run: it is idempotent, and upgrades in place):
#   - checks Node.js >= 20.9 (installs Debian's nodejs when it is recent enough; otherwise says how to get one)
#   - creates the system user `entroos`
#   - installs the standalone build to /opt/entroos (the previous one stays in /opt/entroos.previous)
#   - writes /etc/entroos/entroos.env once, with a generated ENTROOS_SECRET_KEY (an existing file is kept)
#   - installs /etc/systemd/system/entroos.service, enables it and (re)starts it — when systemd runs;
#     otherwise (a container, a chroot) it prints how to start the server
#
# Options:
#   --from DIR     the standalone build to install (default: dist/standalone of this checkout, built if missing)
#   --prefix DIR   install under DIR instead of / (DIR/opt/entroos, DIR/etc/entroos, ...); no user is created
#   --port N       PORT for a new entroos.env (default 3000)
#   --host ADDR    HOST for a new entroos.env (default 0.0.0.0: serve the network)
#   --no-systemd   install the unit file but do not run systemctl
#   --dry-run      print what would be done, change nothing
#
# docs/deployment.md, "On a Debian or Ubuntu machine", explains the layout and the upgrade path.
set -euo pipefail

readonly MIN_NODE_MAJOR=20 MIN_NODE_MINOR=9
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
checkout="$(dirname "$here")"

from=""
prefix=""
port=3000
host=0.0.0.0
use_systemd=1
dry_run=0

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
die() {
  echo "install.sh: $*" >&2
  exit 1
}
say() { echo "install.sh: $*"; }
# Runs a command, or with --dry-run prints it.
run() {
  if ((dry_run)); then
    printf '+'
    printf ' %q' "$@"
    printf '\n'
  else
    "$@"
  fi
}

while (($#)); do
  case "$1" in
    --from) from="${2:?--from needs a directory}"; shift 2 ;;
    --prefix) prefix="${2:?--prefix needs a directory}"; shift 2 ;;
    --port) port="${2:?--port needs a number}"; shift 2 ;;
    --host) host="${2:?--host needs an address}"; shift 2 ;;
    --no-systemd) use_systemd=0; shift ;;
    --dry-run) dry_run=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[[ "$port" =~ ^[0-9]+$ ]] || die "--port must be a number, not $port"
if [[ -n "$prefix" ]]; then
  if ((!dry_run)); then mkdir -p "$prefix"; fi
  if [[ -d "$prefix" ]]; then prefix="$(cd "$prefix" && pwd)"; fi
  if [[ "$prefix" == / ]]; then prefix=""; fi
fi

readonly opt_dir="$prefix/opt/entroos"
readonly etc_dir="$prefix/etc/entroos"
readonly state_dir="$prefix/var/lib/entroos"
readonly env_file="$etc_dir/entroos.env"
readonly unit_file="$prefix/etc/systemd/system/entroos.service"
readonly service_user=entroos

is_root() { [[ "$(id -u)" -eq 0 ]]; }
if [[ -z "$prefix" ]] && ! is_root && ((!dry_run)); then
  die "installing to / needs root: run it with sudo (or use --prefix DIR)"
fi

# --- the operating system ---------------------------------------------------
if [[ -r /etc/os-release ]]; then
  # shellcheck disable=SC1091
  . /etc/os-release
  case " ${ID:-} ${ID_LIKE:-} " in
    *" debian "* | *" ubuntu "*) ;;
    *) say "warning: this script is written for Debian and Ubuntu, not ${PRETTY_NAME:-this system}" ;;
  esac
fi

# --- Node.js ----------------------------------------------------------------
node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e "const [a, b] = process.versions.node.split('.').map(Number);
             process.exit(a > $MIN_NODE_MAJOR || (a === $MIN_NODE_MAJOR && b >= $MIN_NODE_MINOR) ? 0 : 1)"
}
if ! node_ok; then
  candidate=""
  if command -v apt-cache >/dev/null 2>&1; then
    candidate="$(apt-cache policy nodejs 2>/dev/null | awk '/Candidate:/ {print $2}')"
  fi
  candidate_major="${candidate%%.*}"
  candidate_major="${candidate_major##*:}"
  if [[ "$candidate_major" =~ ^[0-9]+$ ]] && ((candidate_major > MIN_NODE_MAJOR)); then
    is_root || ((dry_run)) || die "Node.js >= $MIN_NODE_MAJOR.$MIN_NODE_MINOR is missing; run as root to install Debian's nodejs $candidate"
    say "installing Debian's nodejs $candidate"
    run apt-get install -y --no-install-recommends nodejs
  else
    die "EntroOS needs Node.js >= $MIN_NODE_MAJOR.$MIN_NODE_MINOR and this system's packages offer ${candidate:-none}.
  Debian 13 and Ubuntu 24.10 ship a recent enough nodejs; on Debian 12 or Ubuntu 22.04/24.04 add NodeSource's
  repository first (https://github.com/nodesource/distributions: Node 22), then run this script again."
  fi
fi
if ((dry_run)) && ! node_ok; then
  node_bin=/usr/bin/node
else
  node_bin="$(command -v node)"
fi

# --- the build to install -----------------------------------------------------
# Run from inside a standalone build (it carries this script): install that build.
if [[ -z "$from" && -f "$here/build-info.json" ]]; then from="$here"; fi
if [[ -z "$from" ]]; then
  [[ -f "$checkout/package.json" && -f "$checkout/scripts/build-standalone.mjs" ]] ||
    die "no --from given and $checkout is not an EntroOS checkout"
  from="$checkout/dist/standalone"
  if [[ ! -f "$from/build-info.json" ]]; then
    say "building the standalone build into $from (npm ci, next build: a few minutes)"
    command -v npm >/dev/null 2>&1 || die "npm is missing (it comes with NodeSource's nodejs; Debian packages it as npm)"
    if [[ ! -d "$checkout/node_modules" ]]; then
      # better-sqlite3 compiles when no prebuilt binary fits this Node.
      if ! command -v g++ >/dev/null 2>&1 && is_root; then
        run apt-get install -y --no-install-recommends python3 make g++
      fi
      (cd "$checkout" && run npm ci --no-audit --no-fund)
    fi
    (cd "$checkout" && run node scripts/build-standalone.mjs --deps link --out "$from")
  fi
fi
if ((!dry_run)) || [[ -f "$from/build-info.json" ]]; then
  [[ -f "$from/build-info.json" && -f "$from/start.mjs" ]] || die "$from is not a standalone build (no build-info.json)"
  from="$(cd "$from" && pwd)"
  # The native addon (better-sqlite3) was compiled for one Node ABI: another major version cannot load it.
  built_abi="$("$node_bin" -p "require('$from/build-info.json').nodeAbi")"
  here_abi="$("$node_bin" -p 'process.versions.modules')"
  [[ "$built_abi" == "$here_abi" ]] ||
    die "$from was built for Node ABI $built_abi ($("$node_bin" -p "require('$from/build-info.json').node")) but $node_bin is $("$node_bin" --version) (ABI $here_abi): build it with this Node"
fi

# --- the user -----------------------------------------------------------------
owner=""
if [[ -z "$prefix" ]]; then
  if ! id "$service_user" >/dev/null 2>&1; then
    say "creating the system user $service_user"
    run useradd --system --home-dir /var/lib/entroos --no-create-home --shell /usr/sbin/nologin "$service_user"
  fi
  owner="$service_user"
fi

# --- files --------------------------------------------------------------------
say "installing $from to $opt_dir"
run mkdir -p "$(dirname "$opt_dir")" "$etc_dir" "$state_dir" "$(dirname "$unit_file")"
run rm -rf "$opt_dir.new"
run cp -a "$from" "$opt_dir.new"
# Root owns the code; the service only reads it.
if [[ -n "$owner" ]]; then run chown -R root:root "$opt_dir.new"; fi
run chmod -R go-w "$opt_dir.new"
if [[ -d "$opt_dir" ]]; then
  run rm -rf "$opt_dir.previous"
  run mv "$opt_dir" "$opt_dir.previous"
fi
run mv "$opt_dir.new" "$opt_dir"

if [[ -n "$owner" ]]; then
  run chown "$owner:$owner" "$state_dir"
fi
run chmod 750 "$state_dir"

new_secret_key() {
  if command -v openssl >/dev/null 2>&1; then
    openssl rand -base64 32
  else
    "$node_bin" -e "process.stdout.write(require('node:crypto').randomBytes(32).toString('base64') + '\n')"
  fi
}
if [[ -f "$env_file" ]]; then
  say "keeping $env_file"
else
  say "writing $env_file (with a new ENTROOS_SECRET_KEY: back it up, Secrets cannot be read without it)"
  if ((dry_run)); then
    echo "+ write $env_file"
  else
    umask 077
    cat >"$env_file" <<ENV
# EntroOS settings (README.md, "Configuration"; docs/deployment.md). Read by entroos.service.
HOST=$host
PORT=$port
DATABASE_URL=file:$state_dir/entroos.db
# Several instances: DATABASE_URL=postgresql://entroos:PASSWORD@db-host:5432/entroos, REDIS_URL=redis://redis-host:6379,
# the same ENTROOS_SECRET_KEY on each, and ENTROOS_ADVERTISE_URL=http://THIS-HOST:$port.
ENTROOS_SECRET_KEY=$(new_secret_key)
ENTROOS_BACKUP_DIR=$state_dir/backups
LOG_LEVEL=info
ENV
    umask 022
  fi
  if [[ -n "$owner" ]]; then run chgrp "$owner" "$env_file"; fi
  run chmod 640 "$env_file"
fi

say "installing $unit_file"
if ((dry_run)); then
  echo "+ write $unit_file"
else
  # The unit names /opt/entroos, /etc/entroos, /var/lib/entroos and /usr/bin/node: point them at this install.
  sed -e "s#/opt/entroos#$opt_dir#g" -e "s#/etc/entroos#$etc_dir#g" -e "s#/var/lib/entroos#$state_dir#g" \
    -e "s#^ExecStart=/usr/bin/node #ExecStart=$node_bin #" \
    "$opt_dir/deploy/entroos.service" >"$unit_file.new"
  mv "$unit_file.new" "$unit_file"
fi

# --- systemd -------------------------------------------------------------------
start_hint="sudo -u $service_user sh -c 'set -a; . $env_file; exec $node_bin $opt_dir/start.mjs'"
if ((use_systemd)) && [[ -z "$prefix" ]] && [[ -d /run/systemd/system ]]; then
  run systemctl daemon-reload
  run systemctl enable entroos.service
  run systemctl restart entroos.service
  say "started: systemctl status entroos; the first start prints the admin password (journalctl -u entroos | grep -A1 'Log in')"
else
  if ((use_systemd)) && [[ -z "$prefix" ]]; then
    say "systemd is not running here (a container?): the unit is installed for when it does."
  fi
  say "start the server with:  systemctl enable --now entroos   (under systemd)"
  say "                   or:  $start_hint"
fi
say "done"
