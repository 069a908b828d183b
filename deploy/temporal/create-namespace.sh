#!/bin/sh
# One-shot creation of the Temporal namespace dvt-router uses, run by the `temporal-namespace`
# service (temporalio/admin-tools) once the server answers. Idempotent: an existing namespace is
# left as it is. Search attributes and schedules are the job of `dvt-router temporal setup`.
set -eu

ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
NAMESPACE="${DEFAULT_NAMESPACE:-default}"
RETENTION="${NAMESPACE_RETENTION:-720h}"

attempt=1
until temporal operator cluster health --address "$ADDRESS" >/dev/null 2>&1; do
  if [ "$attempt" -ge 60 ]; then
    echo "Temporal at $ADDRESS is not healthy after $attempt attempts" >&2
    exit 1
  fi
  echo "waiting for Temporal at $ADDRESS (attempt $attempt)"
  attempt=$((attempt + 1))
  sleep 2
done

if temporal operator namespace describe --namespace "$NAMESPACE" --address "$ADDRESS" >/dev/null 2>&1; then
  echo "namespace $NAMESPACE exists"
else
  temporal operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION" --address "$ADDRESS"
  echo "namespace $NAMESPACE created (retention $RETENTION)"
fi
