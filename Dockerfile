# One image for every service: the entrypoint is the product's command line (pipeline-cli), and the
# command (writer, relay, projector, migrate, ...) is the container's argument. The demo, the benchmarks
# and their throwaway servers (pipeline-lab, which ./pipeline runs) stay out of the image.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -ntp -Dmaven.test.skip=true -Pimage -pl pipeline-cli -am package

FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 pipeline \
 && mkdir -p /var/lib/projector && chown pipeline /var/lib/projector
WORKDIR /app
COPY --from=build /src/pipeline-cli/target/lib/ /app/lib/
COPY --from=build /src/pipeline-cli/target/pipeline-cli.jar /app/pipeline-cli.jar
COPY --from=build /src/pipeline-cli/src/main/sh/entrypoint.sh /src/pipeline-cli/src/main/sh/default-heap.sh /app/
USER pipeline
# java -cp /app/pipeline-cli.jar:/app/lib/* dev.outboxpipeline.cli.PipelineCommand with the command's default heap
# (relay 256 MiB, projector 512 MiB, ...: default-heap.sh); PIPELINE_JAVA_OPTS replaces it
ENTRYPOINT ["bash", "/app/entrypoint.sh"]
CMD ["--help"]
