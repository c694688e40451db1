#!/bin/sh
# Chromium's executable for a worker that runs as root: Chromium refuses its sandbox as root, so it
# runs as an unprivileged user instead (chromium-launch.ts). The profile folder Playwright (or the
# worker, for a browser of a session's own) made and the HOME the worker made for this launch are
# handed to that user first (by their name patterns only: nothing else is ever chowned). Arguments, the DevTools pipe (fds 3 and 4) and the environment
# pass through unchanged; exec keeps the pid Playwright watches and stops.
#   BLC_CHROMIUM_USER    the user to run as (never root)
#   BLC_CHROMIUM_BINARY  the real Chromium
set -eu
user=${BLC_CHROMIUM_USER:?}
binary=${BLC_CHROMIUM_BINARY:?}
# The shell adds PWD (the worker's folder) to what it execs: Chromium gets exactly what the worker passed.
unset BLC_CHROMIUM_USER BLC_CHROMIUM_BINARY PWD OLDPWD
uid=$(id -u "$user")
gid=$(id -g "$user")
if [ "$uid" = 0 ]; then
  echo "chromium-as-user: $user is root; set CHROMIUM_USER to an unprivileged user" >&2
  exit 1
fi
tmp=${TMPDIR:-/tmp}
for arg do
  case $arg in
    --user-data-dir="$tmp"/playwright_chromiumdev_profile-* | --user-data-dir="$tmp"/blc-browser-*)
      chown -h "$uid:$gid" "${arg#--user-data-dir=}" ;;
  esac
done
case ${HOME:-} in
  "$tmp"/blc-chromium-home-*) chown -h "$uid:$gid" "$HOME" ;;
esac
exec setpriv --reuid="$uid" --regid="$gid" --clear-groups \
  --inh-caps=-all --bounding-set=-all --no-new-privs \
  -- "$binary" "$@"
