import ArgumentParser
import Foundation
import OneCallApp
import OneCallCore

/// Where the operator commands find the server.
struct ServerAddress: ParsableArguments {
    @Option(help: "The server's HTTP address (default: $ONECALL_URL or http://127.0.0.1:8080).")
    var url: String = ProcessInfo.processInfo.environment["ONECALL_URL"] ?? "http://127.0.0.1:8080"

    @Option(help: "The API token, if the server requires one (default: $ONECALL_TOKEN).")
    var token: String?

    var client: APIClient {
        APIClient(baseURL: url, token: token ?? ProcessInfo.processInfo.environment["ONECALL_TOKEN"])
    }
}

/// Runs an operator command, turning failures into a one-line message and exit status 1.
func operate(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as APIClient.Failure {
        FileHandle.standardError.write(Data("onecall: \(error)\n".utf8))
        throw ExitCode(1)
    }
}

func readInput(_ path: String) throws -> [UInt8] {
    if path == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw fail(ValidationError("cannot read \(path)"))
    }
    return Array(data)
}

func jsonArgument(_ text: String, name: String) throws -> JSONValue {
    do {
        return try JSONValue(parsing: text)
    } catch {
        throw fail(ValidationError("\(name): \(error)"))
    }
}

struct Devices: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, show, create, change, delete and import devices in the registry.",
        subcommands: [List.self, Get.self, Create.self, Update.self, Delete.self, Import.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List devices.")
        @OptionGroup var server: ServerAddress
        @Flag(help: "Print JSON instead of a table.") var json = false

        func run() async throws {
            try await operate {
                let (_, body) = try await server.client.send("GET", "/api/v1/devices")
                if json { return print(body.prettyText) }
                let columns = [
                    "device_id", "type", "city", "site_owner", "site_owner_contact", "connected", "last_seen",
                ]
                var rows = [columns]
                for device in body["devices"]?.arrayValue ?? [] {
                    rows.append(
                        columns.map { column in
                            if column == "last_seen", let seconds = device[column]?.doubleValue {
                                return CivilTime(epochSeconds: seconds).rfc3339
                            }
                            return tableCell(device[column])
                        })
                }
                printTable(rows)
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one device.")
        @OptionGroup var server: ServerAddress
        @Argument(help: "The device id.") var id: String

        func run() async throws {
            try await operate {
                print(try await server.client.send("GET", "/api/v1/devices/\(escape(id))").body.prettyText)
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a device from JSON: {\"device_id\": …, \"type\": …, \"site_owner_contact\": …}.")
        @OptionGroup var server: ServerAddress
        @Argument(help: "The device as a JSON object.") var json: String

        func run() async throws {
            let body = try jsonArgument(json, name: "json")
            try await operate {
                print(try await server.client.send("POST", "/api/v1/devices", body: body.jsonBytes).body.prettyText)
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a device: only the fields given (null clears one), or all of them with --replace.")
        @OptionGroup var server: ServerAddress
        @Argument(help: "The device id.") var id: String
        @Argument(help: "The fields as a JSON object.") var json: String
        @Flag(help: "Replace every field (fields not given are cleared).") var replace = false

        func run() async throws {
            let body = try jsonArgument(json, name: "json")
            try await operate {
                let response = try await server.client.send(
                    replace ? "PUT" : "PATCH", "/api/v1/devices/\(escape(id))", body: body.jsonBytes)
                print(response.body.prettyText)
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a device from the registry.")
        @OptionGroup var server: ServerAddress
        @Argument(help: "The device id.") var id: String

        func run() async throws {
            try await operate {
                _ = try await server.client.send("DELETE", "/api/v1/devices/\(escape(id))")
                print("deleted \(id)")
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import devices from JSON ({\"devices\": […]}) or CSV with a header row ('-' reads stdin).")
        @OptionGroup var server: ServerAddress
        @Argument(help: "The file.") var file: String

        func run() async throws {
            let bytes = try readInput(file)
            try await operate {
                let response = try await server.client.send(
                    "POST", "/api/v1/devices/import", body: bytes,
                    contentType: file.lowercased().hasSuffix(".csv") ? "text/csv" : "application/json")
                print(
                    "created \(response.body["created"]?.intValue ?? 0), updated \(response.body["updated"]?.intValue ?? 0)"
                )
            }
        }
    }
}

struct Telemetry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Query stored telemetry.", subcommands: [Query.self, DeadLetters.self])

    struct Query: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A device's readings in a time range, or with --bucket and --field a downsampled series.")
        @OptionGroup var server: ServerAddress
        @Argument(help: "The device id.") var device: String
        @Option(help: "From (epoch seconds or RFC 3339), inclusive.") var from: String?
        @Option(help: "To (epoch seconds or RFC 3339), exclusive.") var to: String?
        @Option(help: "At most this many readings.") var limit: Int = 100
        @Flag(help: "Newest first.") var newestFirst = false
        @Option(help: "Bucket width in seconds for downsampling.") var bucket: Double?
        @Option(help: "The numeric field to downsample (dots for nesting).") var field: String?

        func run() async throws {
            var query: [(String, String)] = []
            if let from { query.append(("from", from)) }
            if let to { query.append(("to", to)) }
            if let bucket {
                guard let field else { throw fail(ValidationError("--bucket needs --field")) }
                query += [("bucket", String(bucket)), ("field", field)]
            } else {
                query += [("limit", String(limit)), ("order", newestFirst ? "desc" : "asc")]
            }
            try await operate {
                let (_, body) = try await server.client.send(
                    "GET", "/api/v1/devices/\(escape(device))/telemetry", query: query)
                if let buckets = body["buckets"]?.arrayValue {
                    var rows = [["start", "count", "avg", "min", "max"]]
                    for bucket in buckets {
                        rows.append(
                            [CivilTime(epochSeconds: bucket["start"]?.doubleValue ?? 0).rfc3339]
                                + ["count", "avg", "min", "max"].map { bucket[$0]?.jsonString ?? "-" })
                    }
                    return printTable(rows)
                }
                for reading in body["readings"]?.arrayValue ?? [] {
                    let time = CivilTime(epochSeconds: reading["timestamp"]?.doubleValue ?? 0).rfc3339
                    print("\(time) \(reading["payload"]?.jsonString ?? "")")
                }
            }
        }
    }

    struct DeadLetters: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dead-letters", abstract: "Messages that could not be stored, newest first, with the reason.")
        @OptionGroup var server: ServerAddress
        @Option(help: "At most this many.") var limit: Int = 20

        func run() async throws {
            try await operate {
                let (_, body) = try await server.client.send(
                    "GET", "/api/v1/telemetry/dead-letters", query: [("limit", String(limit))])
                for letter in body["dead_letters"]?.arrayValue ?? [] {
                    let time = CivilTime(epochSeconds: letter["received_at"]?.doubleValue ?? 0).rfc3339
                    print(
                        "\(time) \(letter["topic"]?.stringValue ?? "") \(letter["reason"]?.stringValue ?? ""): "
                            + (letter["payload"]?.stringValue ?? "").prefix(200))
                }
            }
        }
    }
}

struct Events: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send and list error events.", subcommands: [Send.self, List.self])

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Raise an error event for a device.")
        @OptionGroup var server: ServerAddress
        @Argument(help: "The device id.") var device: String
        @Argument(help: "The error code.") var code: String
        @Option(help: "Details as a JSON object.") var details: String?

        func run() async throws {
            var event: JSONObject = ["device_id": .string(device), "error_code": .string(code)]
            if let details { event["details"] = try jsonArgument(details, name: "--details") }
            try await operate {
                print(
                    try await server.client.send("POST", "/api/v1/events", body: JSONValue.object(event).jsonBytes).body
                        .prettyText)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Recent events, newest first.")
        @OptionGroup var server: ServerAddress
        @Option(help: "Only this device's.") var device: String?
        @Option(help: "At most this many.") var limit: Int = 20

        func run() async throws {
            var query = [("limit", String(limit))]
            if let device { query.append(("device", device)) }
            try await operate {
                let (_, body) = try await server.client.send("GET", "/api/v1/events", query: query)
                var rows = [["received", "device", "code", "source", "id"]]
                for event in body["events"]?.arrayValue ?? [] {
                    rows.append([
                        CivilTime(epochSeconds: event["received_at"]?.doubleValue ?? 0).rfc3339,
                        event["device_id"]?.stringValue ?? "", event["error_code"]?.stringValue ?? "",
                        event["source"]?.stringValue ?? "", event["id"]?.stringValue ?? "",
                    ])
                }
                printTable(rows)
            }
        }
    }
}

struct Rules: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Try rules written in the AWS IoT SQL dialect.", subcommands: [Test.self, List.self])

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate a configured rule (--rule), any SQL (--sql), or every rule against a message.")
        @Option(help: "JSON configuration file whose rules to use (default: the built-in rules).") var config: String?
        @Option(help: "A configured rule's name.") var rule: String?
        @Option(help: "SQL to evaluate instead.") var sql: String?
        @Option(help: "The topic the message is published on.") var topic: String
        @Option(help: "The payload (JSON, or any text).") var payload: String = ""
        @Option(help: "The publishing client's id.") var clientId: String?

        func run() async throws {
            let tester: RuleTesterCommand
            do {
                tester = try RuleTesterCommand(configurationFile: config)
            } catch {
                throw fail(error)
            }
            var request: JSONObject = ["topic": .string(topic), "payload": .string(payload)]
            if let rule { request["rule"] = .string(rule) }
            if let sql { request["sql"] = .string(sql) }
            if let clientId { request["client_id"] = .string(clientId) }
            do {
                print(try tester.test(request).prettyText)
            } catch {
                throw fail(error)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The rules a configuration runs.")
        @Option(help: "JSON configuration file (default: the built-in rules).") var config: String?

        func run() async throws {
            do {
                print(JSONValue.array(try RuleTesterCommand(configurationFile: config).descriptions()).prettyText)
            } catch {
                throw fail(error)
            }
        }
    }
}

func escape(_ segment: String) -> String {
    segment.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/")))
        ?? segment
}

/// A JSON value as a table cell: text as is, `-` for nothing, other values as JSON.
func tableCell(_ value: JSONValue?) -> String {
    guard let value, !value.isNull else { return "-" }
    return value.stringValue ?? value.jsonString
}

func printTable(_ rows: [[String]]) {
    guard let header = rows.first else { return }
    var widths = header.map(\.count)
    for row in rows {
        for (index, cell) in row.enumerated() where index < widths.count {
            widths[index] = max(widths[index], cell.count)
        }
    }
    for row in rows {
        print(
            row.enumerated().map { index, cell in cell.padding(toLength: widths[index], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
    }
}
