import ArgumentParser
import Foundation
import Logging
import OneCallAgent
import OneCallApp
import OneCallCore
import OneCallKnowledge

/// Where the local commands (`kb`, `mcp`) find the data directory and the configuration.
struct LocalOptions: ParsableArguments {
    @Option(help: "JSON configuration file (every key has a default).") var config: String?
    @Option(help: "Directory for OneCall's files (overrides data_dir).") var dataDir: String?

    func load() throws -> OneCallConfiguration {
        do {
            var configuration = try OneCallConfiguration.load(file: config)
            if let dataDir { try configuration.set("data_dir", .string(dataDir)) }
            return configuration
        } catch {
            throw fail(error)
        }
    }

    func library() throws -> (KnowledgeLibrary, RunbookPlanner) {
        let configuration = try load()
        do {
            let vocabulary = try configuration.workflow.validated().vocabulary
            return (try WorkflowServices.openLibrary(configuration), RunbookPlanner(vocabulary: vocabulary))
        } catch {
            throw fail(error)
        }
    }
}

/// Runs a knowledge command, turning a document error into a one-line message and exit status 1.
func knowledge(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as KnowledgeError {
        FileHandle.standardError.write(Data("onecall: \(error)\n".utf8))
        throw ExitCode(1)
    }
}

struct Knowledge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kb",
        abstract: "The knowledge base in the data directory: add, list, search, show and plan from guides.",
        discussion: """
            Documents are Markdown, plain text, Word (.docx, needs unzip) or PDF (needs pdftotext from \
            poppler-utils). They are kept in DATA_DIR/knowledge; a running server picks changes up within \
            two seconds.
            """,
        subcommands: [Add.self, List.self, Search.self, Show.self, Plan.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add or replace documents.")
        @OptionGroup var local: LocalOptions
        @Argument(help: "Files to add.") var files: [String]
        @Option(help: "Store a single file under this name.") var name: String?

        func validate() throws {
            if name != nil && files.count != 1 { throw ValidationError("--name takes exactly one file") }
        }

        func run() throws {
            let (library, _) = try local.library()
            try knowledge {
                for file in files {
                    let document = try library.add(fileAt: file, as: name)
                    let sections = library.index.sections(inDocument: document.name).count
                    print("added \(document.name) (\(document.format.rawValue), \(sections) sections)")
                }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the documents.")
        @OptionGroup var local: LocalOptions

        func run() throws {
            let (library, _) = try local.library()
            let index = library.index
            var rows = [["name", "format", "sections", "characters"]]
            for document in index.documents {
                rows.append([
                    document.name, document.format.rawValue, "\(index.sections(inDocument: document.name).count)",
                    "\(document.text.count)",
                ])
            }
            printTable(rows)
            for (name, reason) in library.failures.sorted(by: { $0.key < $1.key }) {
                FileHandle.standardError.write(Data("onecall: \(name) is not indexed: \(reason)\n".utf8))
            }
        }
    }

    struct Search: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Search the documents (BM25).")
        @OptionGroup var local: LocalOptions
        @Argument(help: "What to look for.") var query: [String]
        @Option(help: "Hits to show.") var limit = 5
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            guard (1...100).contains(limit) else { throw ValidationError("--limit: expected 1...100") }
        }

        func run() throws {
            let (library, _) = try local.library()
            let hits = library.index.search(query.joined(separator: " "), limit: limit)
            if json {
                let list: [JSONValue] = hits.map {
                    [
                        "document": .string($0.documentName), "section": .string($0.sectionTitle),
                        "text": .string($0.text), "score": .double($0.score),
                    ]
                }
                return print(JSONValue.object(["hits": .array(list)]).prettyText)
            }
            if hits.isEmpty { print("no match") }
            for hit in hits {
                print("\(hit.documentName) › \(hit.sectionTitle)  (score \(String(format: "%.2f", hit.score)))")
                print("  " + hit.text.prefix(300).replacingOccurrences(of: "\n", with: "\n  "))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a document, or the section for a code.")
        @OptionGroup var local: LocalOptions
        @Argument(help: "A document's name.") var name: String?
        @Option(help: "Show the section that covers this error code instead.") var code: String?

        func validate() throws {
            if (name == nil) == (code == nil) { throw ValidationError("give a document name or --code") }
        }

        func run() throws {
            let (library, _) = try local.library()
            let index = library.index
            if let code {
                guard let section = index.section(forCode: code) else {
                    FileHandle.standardError.write(Data("onecall: no section covers \(code)\n".utf8))
                    throw ExitCode(1)
                }
                print("\(section.documentName) › \(section.title)\n")
                return print(section.text)
            }
            guard let name, let document = index.document(named: name) else {
                FileHandle.standardError.write(Data("onecall: no document \(name ?? "")\n".utf8))
                throw ExitCode(1)
            }
            print(document.text)
        }
    }

    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the runbook plan for an error code as JSON.")
        @OptionGroup var local: LocalOptions
        @Option(help: "The error code.") var code: String
        @Option(help: "Plan from this guide alone instead of the knowledge base.") var guide: String?

        func run() throws {
            let (library, planner) = try local.library()
            try knowledge {
                var index = library.index
                if let guide {
                    index = KnowledgeIndex(documents: [try library.converter.convert(fileAt: guide)])
                }
                print(planner.plan(code: code, in: index).json.prettyText)
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a document.")
        @OptionGroup var local: LocalOptions
        @Argument(help: "The document's name.") var name: String

        func run() throws {
            let (library, _) = try local.library()
            guard library.remove(named: name) else {
                FileHandle.standardError.write(Data("onecall: no document \(name)\n".utf8))
                throw ExitCode(1)
            }
            print("removed \(name)")
        }
    }
}

struct Tickets: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, show, acknowledge and resolve tickets on a running server.",
        subcommands: [List.self, Show.self, Acknowledge.self, Resolve.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tickets, newest first.")
        @OptionGroup var server: ServerAddress
        @Option(help: "open, acknowledged or resolved.") var status: String?
        @Option(help: "Only this device's tickets.") var device: String?
        @Option(help: "Only this error code.") var code: String?
        @Option(help: "At most this many.") var limit = 50
        @Flag(help: "Print JSON instead of a table.") var json = false

        func run() async throws {
            try await operate {
                var query = [("limit", "\(limit)")]
                if let status { query.append(("status", status)) }
                if let device { query.append(("device_id", device)) }
                if let code { query.append(("error_code", code)) }
                let (_, body) = try await server.client.send("GET", "/api/v1/tickets", query: query)
                if json { return print(body.prettyText) }
                var rows = [["unique_id", "device_id", "error_code", "status", "occurrences", "time_stamp", "actions"]]
                for ticket in body["tickets"]?.arrayValue ?? [] {
                    let actions = (ticket["actions"]?.arrayValue ?? []).map { action in
                        "\(action["tool"]?.stringValue ?? "?"):\(action["status"]?.stringValue ?? "?")"
                    }
                    rows.append(
                        ["unique_id", "device_id", "error_code", "status", "occurrences", "time_stamp"].map {
                            tableCell(ticket[$0])
                        } + [actions.joined(separator: " ")])
                }
                printTable(rows)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one ticket with its actions and calls.")
        @OptionGroup var server: ServerAddress
        @Argument(help: "The ticket's unique_id.") var id: String

        func run() async throws {
            try await operate {
                print(try await server.client.send("GET", "/api/v1/tickets/\(escape(id))").body.prettyText)
            }
        }
    }

    struct Acknowledge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ack", abstract: "Acknowledge a ticket.")
        @OptionGroup var server: ServerAddress
        @Argument(help: "The ticket's unique_id.") var id: String
        @Option(help: "Who acknowledges (default: $USER).") var by: String?

        func run() async throws {
            try await operate {
                let body: JSONValue = ["by": .string(by ?? ProcessInfo.processInfo.environment["USER"] ?? "operator")]
                print(
                    try await server.client.send(
                        "POST", "/api/v1/tickets/\(escape(id))/acknowledge", body: body.jsonBytes
                    ).body.prettyText)
            }
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resolve a ticket.")
        @OptionGroup var server: ServerAddress
        @Argument(help: "The ticket's unique_id.") var id: String
        @Option(help: "Who resolves (default: $USER).") var by: String?
        @Option(help: "What was done.") var note: String?

        func run() async throws {
            try await operate {
                var body: JSONObject = [
                    "by": .string(by ?? ProcessInfo.processInfo.environment["USER"] ?? "operator")
                ]
                if let note { body["note"] = .string(note) }
                print(
                    try await server.client.send(
                        "POST", "/api/v1/tickets/\(escape(id))/resolve", body: JSONValue.object(body).jsonBytes
                    ).body.prettyText)
            }
        }
    }
}

struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve OneCall's tools over MCP on standard input and output.",
        discussion: """
            For MCP clients that start a server process. It works on the data directory's database: \
            tickets it logs and actions it asks for are run by `onecall serve` on the same data \
            directory. The server also serves MCP over HTTP at /mcp.
            """)
    @OptionGroup var local: LocalOptions

    func run() async throws {
        bootstrapLogging()
        let configuration = try local.load()
        let workflow: WorkflowServices
        do {
            workflow = try WorkflowServices.standalone(configuration: configuration, logger: Logger(label: "onecall"))
        } catch {
            throw fail(error)
        }
        try await workflow.mcp.runStdio()
    }
}

struct Ask: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ask the running server a question about devices, errors, tickets or telemetry.",
        discussion: """
            Without a question, reads one question a line from standard input and keeps the \
            conversation's context (follow-ups such as "and its pressure?").
            """)
    @OptionGroup var server: ServerAddress
    @Argument(help: "The question, e.g. \"Please tell me about the device aircon_1\".") var question: [String] = []
    @Option(help: "Conversation id, to follow up on an earlier question.") var session: String?
    @Flag(help: "Print the answer with its facts as JSON.") var json = false
    @Flag(help: "Print the facts the answer used.") var facts = false

    func run() async throws {
        let session = self.session ?? "cli-\(ProcessInfo.processInfo.processIdentifier)"
        try await operate {
            if !question.isEmpty {
                try await ask(question.joined(separator: " "), session: session)
                return
            }
            while let line = readLine() {
                let text = line.trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty else { continue }
                try await ask(text, session: session)
                print("")
            }
        }
    }

    private func ask(_ message: String, session: String) async throws {
        let body: JSONValue = ["session": .string(session), "message": .string(message)]
        let (_, answer) = try await server.client.send("POST", "/api/v1/chat", body: body.jsonBytes)
        if json { return print(answer.prettyText) }
        print(answer["answer"]?.stringValue ?? "")
        if facts {
            for fact in answer["facts"]?.arrayValue ?? [] {
                print(
                    "- [\(fact["kind"]?.stringValue ?? "")] \(fact["source"]?.stringValue ?? ""): "
                        + (fact["text"]?.stringValue ?? ""))
            }
        }
    }
}
