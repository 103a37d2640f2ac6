import Foundation
import Testing

@testable import OneCallContactCenter

@Suite struct ContactCenterDefinitionsTests {
    func write(_ directory: URL, _ path: String, _ text: String) throws {
        let url = directory.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func withDirectory(_ body: (URL) throws -> Void) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(directory)
    }

    func expectError(
        _ directory: URL, _ code: ContactCenterDefinitionError.Code, file: String, item: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            _ = try ContactCenterDefinitions(directory: directory)
            Issue.record("expected \(code)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            #expect(error.file.hasSuffix(file), "\(error)", sourceLocation: sourceLocation)
            #expect(error.item == item, "\(error)", sourceLocation: sourceLocation)
        }
    }

    let hoursJSON =
        #"{"Name": "business", "TimeZone": "UTC", "Config": [{"Day": "MONDAY", "StartTime": {"Hours": 9, "Minutes": 0}, "EndTime": {"Hours": 17, "Minutes": 0}}]}"#

    @Test func emptyDirectoryGivesDefaults() throws {
        try withDirectory { directory in
            let definitions = try ContactCenterDefinitions(directory: directory)
            #expect(definitions.flows.keys.sorted() == [ContactFlow.oneCallDefaultName])
            #expect(definitions.queues.keys.sorted() == [Queue.defaultName])
            #expect(definitions.rosters.isEmpty)
            #expect(definitions.hours.isEmpty)
        }
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent(
            "onecall-missing-\(UUID().uuidString)")
        #expect(try ContactCenterDefinitions(directory: missing).flows.count == 1)
    }

    @Test func loadsAFullDirectory() throws {
        try withDirectory { directory in
            try write(directory, "hours/business.json", hoursJSON)
            try write(
                directory, "flows/short.json",
                #"{"Version": "2019-10-30", "StartAction": "bye", "Actions": [{"Identifier": "bye", "Type": "DisconnectParticipant"}]}"#
            )
            try write(
                directory, "queues.json",
                #"[{"name": "support", "hours": "business", "outbound_caller_id": "+15550199", "outbound_flow": "short"}]"#
            )
            try write(
                directory, "rosters.json",
                #"[{"name": "site", "queue": "support", "devices": ["aircon_*"], "operators": [{"name": "Ana", "phone": "+15550101", "hours": "business"}]}]"#
            )
            let definitions = try ContactCenterDefinitions(directory: directory)
            let roster = try #require(definitions.roster(forDevice: "aircon_1"))
            let queue = definitions.queue(for: roster)
            #expect(queue.name == "support")
            #expect(queue.outboundCallerID?.e164 == "+15550199")
            #expect(definitions.flow(for: queue).name == "short")
            #expect(definitions.hoursLookup(for: queue)(nil)?.name == "business")
            #expect(definitions.hoursLookup(for: queue)("business")?.name == "business")
            #expect(definitions.hoursLookup(for: queue)("other") == nil)
            #expect(definitions.escalationPolicy(for: roster).hours.keys.sorted() == ["business"])
            #expect(definitions.queues[Queue.defaultName] != nil)
        }
    }

    @Test func reportsBadFilesWithFileAndItem() throws {
        try withDirectory { directory in
            try write(
                directory, "flows/broken.json",
                #"{"Version": "2019-10-30", "StartAction": "x", "Actions": [{"Identifier": "x", "Type": "Nope"}]}"#)
            expectError(directory, .unknownActionType, file: "flows/broken.json", item: "x")
        }
        try withDirectory { directory in
            try write(directory, "hours/bad.json", #"{"Name": "bad", "TimeZone": "Nowhere/City"}"#)
            expectError(directory, .unknownTimeZone, file: "hours/bad.json", item: "bad")
        }
        try withDirectory { directory in
            try write(directory, "queues.json", #"{"name": "not an array"}"#)
            expectError(directory, .invalidValue, file: "queues.json", item: "(file)")
        }
        try withDirectory { directory in
            try write(directory, "rosters.json", "[{")
            expectError(directory, .invalidJSON, file: "rosters.json", item: "(file)")
        }
        try withDirectory { directory in
            try write(directory, "queues.json", #"[{"name": "q", "outbound_caller_id": "555"}]"#)
            expectError(directory, .invalidDestination, file: "queues.json", item: "q")
        }
    }

    @Test func crossChecksReferences() throws {
        try withDirectory { directory in
            try write(
                directory, "rosters.json",
                #"[{"name": "r", "queue": "ghost", "devices": ["*"], "operators": [{"name": "A", "phone": "+15550101"}]}]"#
            )
            expectError(directory, .unknownReference, file: "rosters.json", item: "r")
        }
        try withDirectory { directory in
            try write(directory, "queues.json", #"[{"name": "q", "hours": "missing"}]"#)
            expectError(directory, .unknownReference, file: "queues.json", item: "q")
        }
        try withDirectory { directory in
            try write(directory, "queues.json", #"[{"name": "q", "outbound_flow": "missing"}]"#)
            expectError(directory, .unknownReference, file: "queues.json", item: "q")
        }
        try withDirectory { directory in
            try write(
                directory, "rosters.json",
                #"[{"name": "r", "devices": ["*"], "operators": [{"name": "A", "phone": "+15550101", "hours": "gone"}]}]"#
            )
            expectError(directory, .unknownReference, file: "rosters.json", item: "r operator A")
        }
        try withDirectory { directory in
            try write(
                directory, "flows/f.json",
                #"{"Version": "2019-10-30", "StartAction": "h", "Actions": [{"Identifier": "h", "Type": "CheckHoursOfOperation", "Parameters": {"HoursOfOperationId": "weekend"}, "Transitions": {"Conditions": [{"NextAction": "b", "Condition": {"Operator": "Equals", "Operands": ["True"]}}]}}, {"Identifier": "b", "Type": "DisconnectParticipant"}]}"#
            )
            expectError(directory, .unknownReference, file: "flows/f.json", item: "h")
        }
        try withDirectory { directory in
            try write(directory, "hours/a.json", hoursJSON)
            try write(directory, "hours/b.json", hoursJSON)
            expectError(directory, .duplicateIdentifier, file: "hours/b.json", item: "business")
        }
        try withDirectory { directory in
            let entry = #"{"name": "r", "devices": ["*"], "operators": [{"name": "A", "phone": "+15550101"}]}"#
            try write(directory, "rosters.json", "[\(entry), \(entry)]")
            expectError(directory, .duplicateIdentifier, file: "rosters.json", item: "r")
        }
    }

    @Test func valuesInitializerCrossChecks() {
        #expect(throws: ContactCenterDefinitionError.self) {
            try ContactCenterDefinitions(queues: [Queue(name: "q", hours: "missing")])
        }
    }
}
