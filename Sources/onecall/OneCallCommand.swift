import ArgumentParser
import Foundation
import Logging
import OneCallApp
import OneCallBroker
import OneCallMail

/// `onecall`: argument parsing only; the work happens in OneCallApp.
@main
struct OneCallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "onecall",
        abstract: "Connects devices and alerting systems to the people who must act.",
        subcommands: [
            Serve.self, Demo.self, Simulate.self, Publish.self, Devices.self, Telemetry.self, Events.self, Rules.self,
            Knowledge.self, Tickets.self, Calls.self, ContactCenter.self, Ask.self, MCPCommand.self, Passwd.self,
            Train.self,
            Anomaly.self,
        ])
}

/// Options shared by `serve` and `demo`.
struct ServerOptions: ParsableArguments {
    @Option(help: "JSON configuration file (every key has a default).") var config: String?
    @Option(help: "MQTT listen port (overrides mqtt.port).") var mqttPort: Int?
    @Option(help: "HTTP listen port (overrides http.port).") var httpPort: Int?
    @Option(help: "Directory for OneCall's files (overrides data_dir).") var dataDir: String?
    @Option(help: "Log level (overrides log_level).") var logLevel: String?

    func load() throws -> OneCallConfiguration {
        var configuration = try OneCallConfiguration.load(file: config)
        if let mqttPort { try configuration.set("mqtt.port", .int(Int64(mqttPort))) }
        if let httpPort { try configuration.set("http.port", .int(Int64(httpPort))) }
        if let dataDir { try configuration.set("data_dir", .string(dataDir)) }
        if let logLevel { try configuration.set("log_level", .string(logLevel)) }
        return configuration
    }
}

func bootstrapLogging() {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = .info
        return handler
    }
}

func fail(_ error: any Error) -> ExitCode {
    FileHandle.standardError.write(Data("onecall: \(error)\n".utf8))
    return ExitCode(2)
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server from a configuration file.")
    @OptionGroup var options: ServerOptions

    func run() async throws {
        bootstrapLogging()
        let server: OneCallServer
        do {
            server = try OneCallServer(configuration: try options.load())
        } catch {
            throw fail(error)
        }
        try await server.run()
    }
}

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run OneCall on embedded defaults and show what it does.")
    @OptionGroup var options: ServerOptions
    @Option(help: "Stop after this many seconds (default: run until Ctrl-C).") var duration: Double?

    func validate() throws {
        if let duration, !(duration > 0 && duration <= 31_536_000) {
            throw ValidationError("--duration: expected seconds between 0 and 31536000")
        }
    }

    func run() async throws {
        bootstrapLogging()
        let server: OneCallServer
        let sink: SMTPSink?
        do {
            var configuration = try options.load()
            if options.dataDir == nil && options.config == nil {
                try configuration.set("data_dir", .string(NSTemporaryDirectory() + "onecall-demo-\(getpid())"))
            }
            sink = try await DemoScenario.prepare(&configuration)
            server = try OneCallServer(configuration: configuration)
        } catch {
            throw fail(error)
        }
        try await DemoScenario(server: server, duration: duration, sink: sink).start()
        await sink?.stop()
    }
}

struct Passwd: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add or replace a user in a password file (mosquitto_passwd format).")
    @Argument(help: "The password file; created if missing.") var file: String
    @Argument(help: "The user name.") var username: String
    @Option(help: "The password (default: read a line from standard input).") var password: String?
    @Flag(help: "Remove the user instead.") var delete = false

    func run() throws {
        var lines: [String] = []
        if let text = try? String(contentsOfFile: file, encoding: .utf8) {
            lines = text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix(username + ":") }
        }
        if !delete {
            guard !username.isEmpty, !username.contains(":") else {
                throw fail(ValidationError("user name must be non-empty without ':'"))
            }
            var secret = password
            if secret == nil { secret = readLine(strippingNewline: true) }
            guard let secret, !secret.isEmpty else { throw fail(ValidationError("empty password")) }
            lines.append(try PasswordFile.line(username: username, password: secret))
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
    }
}
