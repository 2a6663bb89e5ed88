#!/bin/sh
# jiffy-sluggo in a container: listens on JIFFY_SLUGGO_ADDRESS (0.0.0.0:4444),
# keeps JIFFY_SLUGGO_SNAPSHOT (empty: memory only); other options are passed on.
# --healthcheck: connect to the port (the HEALTHCHECK), then exit.
set -eu
addr=${JIFFY_SLUGGO_ADDRESS:-0.0.0.0:4444}
if [ "${1:-}" = "--healthcheck" ]; then
  host=${addr%:*}
  case "$host" in ""|0.0.0.0) host=127.0.0.1 ;; esac
  exec bash -c "exec 3<>/dev/tcp/$host/${addr##*:}"
fi
case "${1:-}" in
  ""|-*) ;;
  *) exec "$@" ;;
esac
if [ -n "${JIFFY_SLUGGO_SNAPSHOT:-}" ]; then
  set -- "--snapshot=$JIFFY_SLUGGO_SNAPSHOT" "$@"
fi
exec /usr/bin/jiffy-sluggo "--address=$addr" "$@"
