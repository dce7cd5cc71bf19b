#!/usr/bin/env bash
# The image's entrypoint: the product's command line (pipeline-cli) with the command's default heap
# (default-heap.sh); PIPELINE_JAVA_OPTS replaces it. A command without a default gets half the
# container's memory limit, leaving the rest to metaspace, threads and direct buffers.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/default-heap.sh"
if [ -n "${PIPELINE_JAVA_OPTS:-}" ]; then
  java_opts=$PIPELINE_JAVA_OPTS
else
  java_opts=$(default_heap "$@")
  java_opts=${java_opts:--XX:MaxRAMPercentage=50}
fi
# word splitting of the options is meant: PIPELINE_JAVA_OPTS may hold several
# shellcheck disable=SC2086
exec java $java_opts -cp "$here/pipeline-cli.jar:$here/lib/*" dev.outboxpipeline.cli.PipelineCommand "$@"
