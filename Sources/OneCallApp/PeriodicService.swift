import Logging
import ServiceLifecycle

/// Runs a piece of work every `interval` seconds until shutdown (also at start when `runAtStart`,
/// and once more at shutdown when `runAtShutdown`), logging failures and carrying on.
struct PeriodicService: Service {
    let name: String
    let interval: Double
    let runAtStart: Bool
    let runAtShutdown: Bool
    let logger: Logger
    let work: @Sendable () async throws -> Void

    func run() async throws {
        if runAtStart { await perform() }
        while !Task.isCancelledOrShuttingDown {
            do {
                try await cancelWhenGracefulShutdown {
                    try await Task.sleep(for: .milliseconds(Int64(interval * 1000)))
                }
            } catch {
                break
            }
            await perform()
        }
        if runAtShutdown { await perform() }
    }

    private func perform() async {
        do {
            try await work()
        } catch {
            logger.error("periodic work failed", metadata: ["task": "\(name)", "error": "\(error)"])
        }
    }
}

extension Task where Success == Never, Failure == Never {
    static var isCancelledOrShuttingDown: Bool { isCancelled || isShuttingDownGracefully }
}
