#!/bin/sh
# jiffyd in a container. Before starting jiffyd --config "$JIFFY_CONFIG":
# - PGPASSWORD_FILE (a secret mount) sets PGPASSWORD, so no password is baked
#   into the image or the config;
# - the password pepper: JIFFY_PEPPER_FILE when given (instances sharing a
#   database must share it), else $JIFFY_DATA_DIR/secrets/pepper, made on the
#   first start;
# - internal_address: JIFFY_INTERNAL_ADDRESS when given, else the host of
#   JIFFY_EXTERNAL_ADDRESS when it is a concrete address, else the container's
#   own address (what jiffy's entrypoint did with sed on eth0), port
#   JIFFY_INTERNAL_PORT (7070);
# - the JWT key pair the config names, made if missing (0600).
# Arguments are passed to jiffyd; a first argument not starting with "-" is run
# instead (e.g. "sh").
set -eu
say() { echo "jiffyd-entrypoint: $*" >&2; }

case "${1:-}" in
  ""|-*) ;;
  *) exec "$@" ;;
esac

if [ -n "${PGPASSWORD_FILE:-}" ]; then
  [ -r "$PGPASSWORD_FILE" ] || { say "PGPASSWORD_FILE=$PGPASSWORD_FILE is not readable"; exit 78; }
  PGPASSWORD=$(cat "$PGPASSWORD_FILE")
  export PGPASSWORD
fi

data=${JIFFY_DATA_DIR:-/var/lib/jiffy}
if [ -n "${JIFFY_PEPPER_FILE:-}" ]; then
  [ -r "$JIFFY_PEPPER_FILE" ] || { say "JIFFY_PEPPER_FILE=$JIFFY_PEPPER_FILE is not readable"; exit 78; }
else
  JIFFY_PEPPER_FILE=$data/secrets/pepper
  export JIFFY_PEPPER_FILE
  if [ ! -s "$JIFFY_PEPPER_FILE" ]; then
    (umask 077 && mkdir -p "$data/secrets" \
      && od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$JIFFY_PEPPER_FILE.new" \
      && echo >>"$JIFFY_PEPPER_FILE.new" && mv "$JIFFY_PEPPER_FILE.new" "$JIFFY_PEPPER_FILE")
    say "made a new pepper in $JIFFY_PEPPER_FILE (keep it with the database)"
  fi
fi

if [ -z "${JIFFY_INTERNAL_ADDRESS:-}" ]; then
  host=${JIFFY_EXTERNAL_ADDRESS:-}
  host=${host%:*}
  case "$host" in
    ""|0.0.0.0|"[::]"|"*")
      host=$(hostname -I 2>/dev/null | awk '{print $1}')
      [ -n "$host" ] || { say "the container has no address; set JIFFY_INTERNAL_ADDRESS"; exit 78; }
      case "$host" in *:*) host="[$host]" ;; esac
      ;;
  esac
  JIFFY_INTERNAL_ADDRESS=$host:${JIFFY_INTERNAL_PORT:-7070}
  export JIFFY_INTERNAL_ADDRESS
  say "internal_address $JIFFY_INTERNAL_ADDRESS"
fi

config=${JIFFY_CONFIG:-/etc/jiffy/container/all-in-one.config.json}
/usr/bin/jiffyd --config "$config" --generate-keys >/dev/null
exec /usr/bin/jiffyd --config "$config" "$@"
