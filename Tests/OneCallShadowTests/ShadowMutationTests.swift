import Foundation
import OneCallCore
import OneCallShadow
import Testing

/// Seeded random requests against the service: structured ones checked against a small, separately
/// written model of AWS's merge and delta rules, and byte-mutated ones that must always get a
/// documented answer — never a crash, and never a document that breaks the invariants.
@Suite struct ShadowMutationTests {
    /// Iterations per run: bounded in CI; `ONECALL_FUZZ_ITERATIONS` asks for a longer local run.
    static let iterations = Int(ProcessInfo.processInfo.environment["ONECALL_FUZZ_ITERATIONS"] ?? "") ?? 4_000

    /// Small enough that random updates reach the size limit now and then.
    static let limits = ShadowLimits(maximumStateBytes: 400)
    static let keys = ["a", "b", "color", "on", "lights", "r", "g", "timestamp"]

    // MARK: Model

    /// AWS's merge, written as a function of values: `null` deletes, objects merge, anything else
    /// replaces, and an object with no members is not kept.
    static func modelMerge(_ current: JSONValue?, _ patch: JSONValue) -> JSONValue? {
        switch patch {
        case .null: return nil
        case .object(let members):
            var base = current?.objectValue ?? JSONObject()
            for member in members { base[member.key] = modelMerge(base[member.key], member.value) }
            return base.isEmpty ? nil : .object(base)
        default: return patch
        }
    }

    /// AWS's delta: desired values that differ from reported, objects compared field by field.
    static func modelDelta(_ desired: JSONValue, _ reported: JSONValue?) -> JSONValue? {
        guard case .object(let desiredMembers) = desired, case .object(let reportedMembers)? = reported else {
            // (Not a ternary: `nil` there would become `JSONValue.null`.)
            if desired == reported { return nil }
            return desired
        }
        var delta = JSONObject()
        for member in desiredMembers {
            delta[member.key] = modelDelta(member.value, reportedMembers[member.key])
        }
        return delta.isEmpty ? nil : .object(delta)
    }

    // MARK: Generators

    static func randomScalar(_ rng: inout SeededRandomNumberGenerator) -> JSONValue {
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: return .bool(Bool.random(using: &rng))
        case 1: return .int(Int64.random(in: -3...3, using: &rng))
        case 2: return .double(Double(Int.random(in: -3...3, using: &rng)) / 2)
        case 3: return .string(String(repeating: "x", count: Int.random(in: 0...3, using: &rng) == 0 ? 120 : 3))
        case 4: return .string(["RED", "GREEN", "é", "\u{1F600}", "\"q\""][Int.random(in: 0..<5, using: &rng)])
        default: return .int(Int64(Int.random(in: 0...1, using: &rng)))
        }
    }

    /// A value for a field of an update: mostly scalars, some `null`s, arrays and nested objects.
    static func randomValue(depth: Int, _ rng: inout SeededRandomNumberGenerator) -> JSONValue {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0, 1: return .null
        case 2 where depth < 8:
            let count = Int.random(in: 0...3, using: &rng)
            return .array((0..<count).map { _ in randomArrayElement(depth: depth + 1, &rng) })
        case 3 where depth < 8, 4 where depth < 8:
            return .object(randomObject(depth: depth + 1, &rng))
        default: return randomScalar(&rng)
        }
    }

    static func randomArrayElement(depth: Int, _ rng: inout SeededRandomNumberGenerator) -> JSONValue {
        switch Int.random(in: 0..<8, using: &rng) {
        case 0 where depth < 8: return .array([randomScalar(&rng)])
        case 1 where depth < 8: return .object(["k": randomScalar(&rng)])
        default: return randomScalar(&rng)
        }
    }

    static func randomObject(depth: Int, _ rng: inout SeededRandomNumberGenerator) -> JSONObject {
        var object = JSONObject()
        for _ in 0..<Int.random(in: 0...3, using: &rng) {
            object[keys[Int.random(in: 0..<keys.count, using: &rng)]] = randomValue(depth: depth, &rng)
        }
        return object
    }

    /// A well-formed update: a section is absent, `null` or an object; `version` and `clientToken`
    /// are sometimes sent.
    static func randomUpdate(
        currentVersion: Int64, _ rng: inout SeededRandomNumberGenerator
    ) -> (request: ShadowUpdateRequest, versionMatches: Bool) {
        func section() -> JSONValue? {
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: return nil
            case 1: return .null
            default: return .object(randomObject(depth: 1, &rng))
            }
        }
        var request = ShadowUpdateRequest(desired: section(), reported: section())
        var versionMatches = true
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: request.version = currentVersion
        case 1:
            request.version = max(0, currentVersion + Int64.random(in: -2...2, using: &rng))
            versionMatches = request.version == currentVersion
        default: break
        }
        if Bool.random(using: &rng) { request.clientToken = "t\(Int.random(in: 0...999, using: &rng))" }
        return (request, versionMatches)
    }

    static func payload(_ request: ShadowUpdateRequest) -> [UInt8] {
        var state = JSONObject()
        if let desired = request.desired { state["desired"] = desired }
        if let reported = request.reported { state["reported"] = reported }
        var document: JSONObject = ["state": .object(state)]
        if let version = request.version { document["version"] = .int(version) }
        if let token = request.clientToken { document["clientToken"] = .string(token) }
        return JSONValue.object(document).jsonBytes
    }

    /// Flips, inserts, removes and truncates bytes.
    static func mutate(_ input: [UInt8], _ rng: inout SeededRandomNumberGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            switch Int.random(in: 0..<5, using: &rng) {
            case 0 where !bytes.isEmpty:
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            case 1:
                let structural = Array("{}[]\":,nul0-".utf8)
                bytes.insert(structural.randomElement(using: &rng)!, at: Int.random(in: 0...bytes.count, using: &rng))
            case 2 where !bytes.isEmpty:
                bytes.remove(at: Int.random(in: 0..<bytes.count, using: &rng))
            case 3 where !bytes.isEmpty:
                bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng)))
            default:
                let i = Int.random(in: 0..<max(1, bytes.count), using: &rng)
                if i < bytes.count { bytes[i] ^= 1 << UInt8.random(in: 0..<8, using: &rng) }
            }
        }
        return bytes
    }

    // MARK: Invariants

    /// What every stored document satisfies, whatever the requests were.
    static func checkInvariants(_ document: ShadowDocument) throws {
        #expect(document.stateDepth <= limits.maximumStateDepth)
        #expect(document.stateByteCount <= limits.maximumStateBytes)
        for (values, metadata) in [
            (document.desired, document.desiredMetadata), (document.reported, document.reportedMetadata),
        ] {
            if let values {
                #expect(!values.isEmpty, "an empty section is removed")
                checkMirror(.object(values), try #require(metadata.map(JSONValue.object)), insideArray: false)
            } else {
                #expect(metadata == nil)
            }
        }
        if let delta = document.delta {
            #expect(
                JSONValue.object(delta)
                    == modelDelta(.object(document.desired ?? [:]), document.reported.map(JSONValue.object)))
        }
        #expect(
            try ShadowRecord(stored: JSONValue(parsing: ShadowRecord.live(document).storedJSON.jsonBytes))
                == .live(document))
    }

    /// The metadata has the state's shape: an object per object, an array per array, and a
    /// `{"timestamp": N}` per scalar; outside arrays no object is empty and no member is `null`.
    static func checkMirror(_ value: JSONValue, _ metadata: JSONValue, insideArray: Bool) {
        switch value {
        case .object(let members):
            #expect(insideArray || !members.isEmpty)
            guard case .object(let stamps) = metadata else {
                Issue.record("metadata of an object is \(metadata)")
                return
            }
            #expect(Set(stamps.keys) == Set(members.keys))
            for member in members {
                #expect(insideArray || !member.value.isNull)
                checkMirror(member.value, stamps[member.key] ?? .null, insideArray: insideArray)
            }
        case .array(let elements):
            guard case .array(let stamps) = metadata, stamps.count == elements.count else {
                Issue.record("metadata of an array is \(metadata)")
                return
            }
            for (element, stamp) in zip(elements, stamps) { checkMirror(element, stamp, insideArray: true) }
        default:
            guard case .object(let stamp) = metadata, stamp.count == 1, case .int? = stamp["timestamp"] else {
                Issue.record("metadata of a value is \(metadata)")
                return
            }
        }
    }

    // MARK: Tests

    /// Well-formed random updates, gets and deletes: each result agrees with the model.
    @Test func randomRequestsAgreeWithTheModel() throws {
        var rng = SeededRandomNumberGenerator(seed: 0x5AD0_0001)
        var shadow = try ShadowHarness(limits: Self.limits)
        var model: (desired: JSONValue?, reported: JSONValue?) = (nil, nil)
        var outcomes: [String: Int] = [:]
        for step in 0..<Self.iterations {
            let now = Int64(1000 + step)
            let before = shadow.record
            switch Int.random(in: 0..<20, using: &rng) {
            case 0:
                let result = shadow.send(.delete, at: now)
                #expect(result.isAccepted == (before?.document != nil))
                if result.isAccepted { model = (nil, nil) }
                outcomes["delete", default: 0] += 1
            case 1:
                let result = shadow.send(.get, at: now)
                #expect(result.isAccepted == (before?.document != nil))
                if result.isAccepted {
                    let state = try #require(try result.published(.accepted)?["state"])
                    #expect(state["desired"] == model.desired)
                    #expect(state["reported"] == model.reported)
                }
                outcomes["get", default: 0] += 1
            default:
                let currentVersion = before?.document?.version ?? before?.version ?? 0
                let (request, versionMatches) = Self.randomUpdate(currentVersion: currentVersion, &rng)
                let result = shadow.send(.update, Self.payload(request), at: now)
                var expected = model
                if let desired = request.desired { expected.desired = Self.modelMerge(model.desired, desired) }
                if let reported = request.reported { expected.reported = Self.modelMerge(model.reported, reported) }
                let depth = max(request.desired?.depth ?? 0, request.reported?.depth ?? 0)
                var expectedState = JSONObject()
                expectedState["desired"] = expected.desired
                expectedState["reported"] = expected.reported

                if depth > Self.limits.maximumStateDepth {
                    #expect(result.error?.message == ShadowError.tooDeep(maximum: 6).message)
                    outcomes["too deep", default: 0] += 1
                } else if !versionMatches {
                    #expect(result.error == ShadowError.versionConflict.echoing(request.clientToken))
                    outcomes["conflict", default: 0] += 1
                } else if JSONValue.object(expectedState).jsonBytes.count > Self.limits.maximumStateBytes {
                    #expect(result.error == ShadowError.payloadTooLarge.echoing(request.clientToken))
                    outcomes["too large", default: 0] += 1
                } else {
                    #expect(result.isAccepted, "step \(step): \(String(describing: result.error))")
                    #expect(shadow.record?.version == currentVersion + 1)
                    model = expected
                    let delta = try result.published(.delta)
                    let modelDelta = expected.desired.flatMap { Self.modelDelta($0, expected.reported) }
                    #expect(delta?["state"] == modelDelta)
                    if let delta { #expect(delta["clientToken"] == request.clientToken.map(JSONValue.string)) }
                    outcomes["accepted", default: 0] += 1
                }
                if !result.isAccepted { #expect(shadow.record == before) }
            }
            if let document = shadow.record?.document {
                #expect(document.desired.map(JSONValue.object) == model.desired)
                #expect(document.reported.map(JSONValue.object) == model.reported)
                try Self.checkInvariants(document)
            }
        }
        // Every kind of outcome was exercised.
        for kind in ["accepted", "conflict", "too large", "too deep", "get", "delete"] {
            #expect(outcomes[kind, default: 0] > 0, "\(kind): \(outcomes)")
        }
    }

    /// Mutated payloads for every operation: each gets a documented answer and leaves a valid record.
    @Test func mutatedPayloadsNeverCrash() throws {
        var rng = SeededRandomNumberGenerator(seed: 0x5AD0_0002)
        var shadow = try ShadowHarness(limits: Self.limits)
        let documented: Set<Int> = [200, 400, 404, 409, 413, 415]
        var statuses: [Int: Int] = [:]
        for step in 0..<Self.iterations {
            let currentVersion = shadow.record?.version ?? 0
            let seed = Self.payload(Self.randomUpdate(currentVersion: currentVersion, &rng).request)
            let payload = Self.mutate(seed, &rng)
            let operation: ShadowOperation =
                switch Int.random(in: 0..<20, using: &rng) {
                case 0: .delete
                case 1: .get
                default: .update
                }
            let before = shadow.record
            let result = shadow.send(operation, payload, at: Int64(step))
            statuses[result.httpStatus, default: 0] += 1
            #expect(documented.contains(result.httpStatus), "\(result.httpStatus)")
            for message in result.messages() {
                #expect(throws: Never.self) { try JSONValue(parsing: message.payload) }
            }
            if result.isAccepted, operation == .update {
                #expect(shadow.record?.version == (before?.document?.version ?? 0) + 1 || before?.document == nil)
            }
            if !result.isAccepted { #expect(shadow.record == before) }
            if let document = shadow.record?.document { try Self.checkInvariants(document) }
        }
        #expect(statuses[200, default: 0] > 0, "\(statuses)")
        #expect(statuses[400, default: 0] > 0, "\(statuses)")
    }
}
