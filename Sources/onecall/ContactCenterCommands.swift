import ArgumentParser
import Foundation
import OneCallApp
import OneCallContactCenter
import OneCallCore

struct Calls: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List calls and show their attempts on a running server.", subcommands: [List.self, Show.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List calls, newest first.")
        @OptionGroup var server: ServerAddress
        @Option(help: "Only this ticket's calls.") var ticket: String?
        @Option(help: "At most this many.") var limit = 50
        @Flag(help: "Print JSON instead of a table.") var json = false

        func run() async throws {
            try await operate {
                var query = [("limit", "\(limit)")]
                if let ticket { query.append(("ticket_id", ticket)) }
                let (_, body) = try await server.client.send("GET", "/api/v1/calls", query: query)
                if json { return print(body.prettyText) }
                let columns = ["id", "device_id", "status", "attempts", "next_attempt_at", "roster", "outcome"]
                var rows = [columns]
                for call in body["calls"]?.arrayValue ?? [] { rows.append(columns.map { tableCell(call[$0]) }) }
                printTable(rows)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one call with every attempt: who, when, outcome, keys, transcript.")
        @OptionGroup var server: ServerAddress
        @Argument(help: "The call's id.") var id: String

        func run() async throws {
            try await operate {
                print(try await server.client.send("GET", "/api/v1/calls/\(escape(id))").body.prettyText)
            }
        }
    }
}

struct ContactCenter: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contact-center", abstract: "Check the contact center's flows, hours, queues and rosters.",
        subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load the definitions as the server would; print them, or the file, item and reason of the "
                + "first bad one (exit status 1).")
        @OptionGroup var local: LocalOptions
        @Option(help: "The definitions folder (default: contact_center.directory).") var directory: String?
        @Option(help: "Show which roster covers this device id.") var device: String?

        func run() throws {
            let configuration = try local.load()
            let folder = directory ?? ContactCenterServices.directory(configuration)
            let definitions: ContactCenterDefinitions
            do {
                definitions = try ContactCenterDefinitions(directory: URL(fileURLWithPath: folder))
            } catch {
                FileHandle.standardError.write(Data("onecall: \(error.description)\n".utf8))
                throw ExitCode(1)
            }
            var object = definitions.json(now: Date().timeIntervalSince1970)
            object["directory"] = .string(folder)
            if let device {
                object["device"] = .string(device)
                object["roster_for_device"] = definitions.roster(forDevice: device).map { .object($0.json) } ?? .null
            }
            print(JSONValue.object(object).prettyText)
        }
    }
}
