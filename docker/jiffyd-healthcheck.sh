#!/bin/sh
# HEALTHCHECK of the jiffyd image: GET /healthz on the address jiffyd listens on
# (a wildcard address is asked on loopback).
addr=${JIFFY_EXTERNAL_ADDRESS:-0.0.0.0:8080}
host=${addr%:*}
port=${addr##*:}
case "$host" in
  ""|0.0.0.0|"*") host=127.0.0.1 ;;
  "[::]") host="[::1]" ;;
esac
exec curl -fsS --max-time 4 -o /dev/null "http://$host:$port/healthz"
