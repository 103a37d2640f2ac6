import Foundation
import Logging
import NIOSSL
import OneCallMQTT
import OneCallSimulator
import ServiceLifecycle

/// `onecall simulate`: runs simulated devices against any MQTT broker until their reading limit,
/// their simulated duration, or Ctrl-C, optionally writing every reading to a CSV file in the
/// layout of the reference's training data; then prints what was sent.
public enum SimulatorLauncher {
    /// TLS settings for the devices' connections.
    public struct TLSFiles: Sendable {
        public var caFile: String?
        public var certificateFile: String?
        public var privateKeyFile: String?

        public init(caFile: String?, certificateFile: String?, privateKeyFile: String?) {
            self.caFile = caFile
            self.certificateFile = certificateFile
            self.privateKeyFile = privateKeyFile
        }
    }

    /// A client TLS configuration from PEM files.
    public static func tlsConfiguration(_ files: TLSFiles) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let ca = files.caFile { tls.trustRoots = .file(ca) }
        if let certificate = files.certificateFile {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) }
        }
        if let key = files.privateKeyFile {
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
        }
        return tls
    }

    /// Runs the fleet; returns the report when it ends.
    public static func run(
        configuration: SimulatorConfiguration, csvPath: String?, handleSignals: Bool = true,
        logger: Logger = Logger(label: "onecall.simulator")
    ) async throws -> SimulatorReport {
        let writer = try csvPath.map { try SimulatorCSVWriter(path: $0) }
        let runner = try SimulatorRunner(
            configuration: configuration, logger: logger,
            onReading: { record in
                do {
                    try writer?.write(record)
                } catch {
                    logger.error("cannot write the CSV file", metadata: ["error": "\(error)"])
                }
            })
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: runner, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [], logger: logger))
        try await group.run()
        try writer?.close()
        return runner.report
    }
}
