import OneCallStorage
import ServiceLifecycle

/// Runs the telemetry batch writer; at shutdown it writes what is queued before returning. It is
/// placed before the rule pipeline in the service group, so it stops after the pipeline has drained.
struct TelemetryWriterService: Service {
    let writer: TelemetryBatchWriter

    func run() async throws {
        await withGracefulShutdownHandler {
            await writer.run()
        } onGracefulShutdown: {
            writer.finish()
        }
    }
}
