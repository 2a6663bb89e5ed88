#!/usr/bin/env bash
# Makes the secrets every instance of a multi-instance deployment shares, once:
# the PostgreSQL password, the password pepper and the ES384 JWT key pair, in
# DIR (default: secrets/ next to this script), readable by the images' user.
#   docker/multi-instance/make-secrets.sh [DIR] [UID]
set -euo pipefail
dir=${1:-$(dirname "$0")/secrets}
owner=${2:-100}     # uid of user jiffy in localhost/jiffyd (docker run --rm localhost/jiffyd:0.1.0 id -u)
mkdir -p "$dir"
umask 077
[ -s "$dir/pgpassword" ] || openssl rand -hex 24 | tr -d '\n' >"$dir/pgpassword"
[ -s "$dir/pepper" ] || openssl rand -hex 32 >"$dir/pepper"
if [ ! -s "$dir/ec384.priv.pem" ]; then
  openssl ecparam -name secp384r1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out "$dir/ec384.priv.pem"
  openssl ec -in "$dir/ec384.priv.pem" -pubout -out "$dir/ec384.pub.pem" 2>/dev/null
fi
# The containers read them as their own user (compose secrets are bind mounts).
# pgpassword is read by two users (jiffy here, postgres in the postgres image): 0644.
chmod 0644 "$dir/pgpassword"
if [ "$(id -u)" -eq 0 ]; then
  chown "$owner" "$dir"/pepper "$dir"/ec384.priv.pem "$dir"/ec384.pub.pem
else
  chmod 0644 "$dir"/pepper "$dir"/ec384.priv.pem "$dir"/ec384.pub.pem
  echo "make-secrets: not root, so the files are made readable by everyone (chown them to uid $owner instead)"
fi
echo "make-secrets: $dir: pgpassword pepper ec384.priv.pem ec384.pub.pem"
