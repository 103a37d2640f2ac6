import Foundation
import Synchronization
import Testing

@testable import OneCallContactCenter

/// A channel for tests: keys come from a list (nil = timeout); errors can be injected.
final class ScriptedChannel: VoiceChannel {
    struct State {
        var keys: [String?]
        var played: [Prompt] = []
        var collectPrompts: [Prompt?] = []
        var requestedDigits: [Int] = []
        var hangUps = 0
        var playError: VoiceChannelError?
        var collectError: VoiceChannelError?
    }

    let state: Mutex<State>

    init(keys: [String?] = [], playError: VoiceChannelError? = nil, collectError: VoiceChannelError? = nil) {
        state = Mutex(State(keys: keys, playError: playError, collectError: collectError))
    }

    func play(_ prompt: Prompt) async throws {
        try state.withLock { state throws(VoiceChannelError) in
            if let error = state.playError { throw error }
            state.played.append(prompt)
        }
    }

    func collectDigits(prompt: Prompt?, maxDigits: Int, timeout: Double) async throws -> String? {
        try state.withLock { state throws(VoiceChannelError) in
            if let error = state.collectError { throw error }
            state.collectPrompts.append(prompt)
            state.requestedDigits.append(maxDigits)
            return state.keys.isEmpty ? nil : state.keys.removeFirst()
        }
    }

    func hangUp() async {
        state.withLock { $0.hangUps += 1 }
    }

    var hangUps: Int { state.withLock { $0.hangUps } }
    var requestedDigits: [Int] { state.withLock { $0.requestedDigits } }
}

/// Builds flow JSON from action dictionaries written as JSON text.
func flowJSON(start: String, _ actions: String...) -> Data {
    Data(
        #"{"Version": "2019-10-30", "StartAction": "\#(start)", "Actions": [\#(actions.joined(separator: ","))]}"#.utf8)
}

/// Loads a flow from action JSON texts; fails the test on error.
func makeFlow(start: String, _ actions: String...) throws -> ContactFlow {
    let json = Data(
        #"{"Version": "2019-10-30", "StartAction": "\#(start)", "Actions": [\#(actions.joined(separator: ","))]}"#.utf8)
    return try ContactFlow(json: json, name: "test", file: "test.json")
}

/// Expects loading `json` to fail with `code`, and returns the error.
@discardableResult
func expectLoadError(
    _ code: ContactCenterDefinitionError.Code, _ json: Data, sourceLocation: SourceLocation = #_sourceLocation
) -> ContactCenterDefinitionError? {
    do {
        _ = try ContactFlow(json: json, name: "bad", file: "flows/bad.json")
        Issue.record("expected \(code), but the flow loaded", sourceLocation: sourceLocation)
        return nil
    } catch {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        #expect(error.description.hasPrefix("flows/bad.json: "), sourceLocation: sourceLocation)
        return error
    }
}

/// 2026-03-02 (a Monday) at the given UTC time, in seconds since 1970.
func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0) -> Double {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))!
        .timeIntervalSince1970
}

/// A time in `zone`.
func local(_ zone: String, _ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0) -> Double {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: zone)!
    return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))!
        .timeIntervalSince1970
}

/// A temporary directory removed by the caller.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("onecall-cc-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
