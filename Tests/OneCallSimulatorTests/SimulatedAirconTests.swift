import OneCallCore
import OneCallSimulator
import Testing

/// The device's protocol logic without a broker: readings, error messages, commands and shadows.
@Suite struct SimulatedAirconTests {
    static let start = 1_741_094_472.0

    static func device(usesShadow: Bool = true) -> SimulatedAircon {
        SimulatedAircon(name: "aircon_1", index: 1, seed: 99, startTime: start, interval: 30, usesShadow: usesShadow)
    }

    static func json(_ message: SimulatorMessage) -> JSONValue {
        (try? JSONValue(parsing: message.payload)) ?? .null
    }

    static func send(_ device: inout SimulatedAircon, _ topic: String, _ text: String) -> SimulatedAircon.Reaction {
        device.receive(topic: topic, payload: Array(text.utf8))
    }

    @Test func readingsComeEveryIntervalOnTheTelemetryTopic() throws {
        var device = Self.device()
        var records: [SimulatorRecord] = []
        for _ in 0..<5 {
            let messages = device.takeReading()
            let message = try #require(messages.first)
            #expect(message.topic == "aircon/telemetry")
            #expect(message.qos == .atLeastOnce)
            guard case .telemetry(let record) = message.kind else {
                Issue.record("not telemetry")
                return
            }
            #expect(Self.json(message) == record.reading)
            records.append(record)
        }
        #expect(records.map(\.sequence) == [0, 1, 2, 3, 4])
        #expect(records.map(\.timestamp) == [0, 30, 60, 90, 120].map { Self.start + $0 })
        #expect(records.allSatisfy { $0.reading["device_name"] == "aircon_1" && $0.wattageMode == .normal })
        #expect(device.model.elapsedSeconds == 120)
        #expect(device.statistics.readingsTaken == 5)
    }

    @Test func connectingReportsTheStateAndAsksForTheShadow() {
        var device = Self.device()
        #expect(
            device.subscriptions == [
                "aircon/commands/aircon_1", "$aws/things/aircon_1/shadow/update/delta",
                "$aws/things/aircon_1/shadow/update/rejected", "$aws/things/aircon_1/shadow/get/accepted",
                "$aws/things/aircon_1/shadow/get/rejected",
            ])
        let messages = device.connected()
        #expect(messages.map(\.topic) == ["$aws/things/aircon_1/shadow/update", "$aws/things/aircon_1/shadow/get"])
        let reported = Self.json(messages[0])["state"]?["reported"]?.objectValue
        #expect(reported?.keys == ["mode", "setpoint_temperature_c", "error_code", "filter_status", "wattage_mode"])
        #expect(reported?["error_code"] == "None")
        #expect(Self.json(messages[0])["state"]?["desired"] == nil)
        #expect(device.lastReportedState == reported)
        // Nothing changed: a reading carries no shadow update.
        #expect(device.takeReading().count == 1)
    }

    @Test func anErrorMessageGoesOutOnceWhenACodeAppears() throws {
        var device = Self.device()
        _ = device.connected()
        _ = device.takeReading()
        _ = device.takeReading()
        var reaction = Self.send(
            &device, "aircon/commands/aircon_1", #"{"action":"inject_fault","fault_type":"compressor_failure"}"#)
        #expect(reaction.messages.map(\.topic) == ["aircon/errors", "$aws/things/aircon_1/shadow/update"])
        let error = Self.json(reaction.messages[0])
        #expect(error == ["device_name": "aircon_1", "error_code": "E3", "timestamp": .double(Self.start + 30)])
        #expect(error.objectValue?.keys == ["device_name", "error_code", "timestamp"])
        #expect(Self.json(reaction.messages[1])["state"]?["reported"]?["error_code"] == "E3")

        // The same fault again: nothing new to say.
        reaction = Self.send(
            &device, "aircon/commands/aircon_1", #"{"action":"inject_fault","fault_type":"compressor_failure"}"#)
        #expect(reaction.messages.isEmpty)
        let readings = device.takeReading()
        #expect(readings.count == 1)
        #expect(Self.json(readings[0])["error_code"] == "E3")
        #expect(Self.json(readings[0])["power_consumption_watts"] == 0)

        // Another code is another error message; clearing is only a shadow update.
        reaction = Self.send(
            &device, "aircon/commands/aircon_1", #"{"action":"inject_fault","fault_type":"high_temperature"}"#)
        #expect(reaction.messages.map(\.topic) == ["aircon/errors", "$aws/things/aircon_1/shadow/update"])
        reaction = Self.send(&device, "aircon/commands/aircon_1", #"{"action":"clear_fault"}"#)
        #expect(reaction.messages.map(\.topic) == ["$aws/things/aircon_1/shadow/update"])
        reaction = Self.send(
            &device, "aircon/commands/aircon_1", #"{"action":"inject_fault","fault_type":"compressor_failure"}"#)
        #expect(reaction.messages.first?.kind == .error(.e3))
        #expect(device.statistics.commandsApplied == 5)
    }

    @Test func badCommandsAreCountedAndChangeNothing() {
        var device = Self.device()
        _ = device.connected()
        let before = device.model
        for payload in ["nonsense", #"{"action":"explode"}"#, #"{"action":"set_wattage_mode","wattage_mode":"max"}"#] {
            let reaction = Self.send(&device, "aircon/commands/aircon_1", payload)
            #expect(reaction.messages.isEmpty)
            #expect(reaction.rejections.count == 1)
            #expect(!reaction.disconnect)
        }
        #expect(device.model == before)
        #expect(device.statistics.commandsRejected == 3)
        #expect(device.statistics.commandsApplied == 0)
        // Another device's command topic is not ours.
        #expect(Self.send(&device, "aircon/commands/aircon_2", #"{"action":"clear_fault"}"#).messages.isEmpty)
        #expect(device.model == before)
    }

    @Test func disconnectIsLeftToTheDriver() {
        var device = Self.device()
        let reaction = Self.send(&device, "aircon/commands/aircon_1", #"{"action":"disconnect"}"#)
        #expect(reaction.disconnect)
        #expect(reaction.messages.isEmpty)
        #expect(device.statistics.disconnects == 1)
    }

    @Test func aDeltaIsAppliedReportedAndClearedFromDesired() throws {
        var device = Self.device()
        _ = device.connected()
        let delta = #"""
            {"version":5,"timestamp":1741094500,"state":{"setpoint_temperature_c":20,"wattage_mode":"abnormal",
             "mode":"heat","colour":"blue"},"metadata":{}}
            """#
        let reaction = Self.send(&device, "$aws/things/aircon_1/shadow/update/delta", delta)
        #expect(device.model.setpointTemperature == 20)
        #expect(device.model.wattageMode == .abnormal)
        #expect(device.model.mode == .cool)
        #expect(reaction.rejections.map(\.code) == [.invalidArgument, .unknownSetting])
        #expect(device.statistics.commandsApplied == 2)
        #expect(device.statistics.commandsRejected == 2)
        let update = try #require(reaction.messages.first)
        #expect(update.topic == "$aws/things/aircon_1/shadow/update")
        let state = Self.json(update)["state"]
        #expect(state?["reported"]?["setpoint_temperature_c"] == 20)
        #expect(state?["reported"]?["wattage_mode"] == "abnormal")
        // Applied and refused-for-a-bad-value keys are cleared; a key the device does not know is left alone.
        #expect(state?["desired"] == ["setpoint_temperature_c": nil, "wattage_mode": nil, "mode": nil])

        // An older delta arriving late is ignored.
        let stale = Self.send(
            &device, "$aws/things/aircon_1/shadow/update/delta", #"{"version":4,"state":{"setpoint_temperature_c":26}}"#
        )
        #expect(stale.messages.isEmpty)
        #expect(device.model.setpointTemperature == 20)
    }

    @Test func aClearFaultThroughTheShadowReportsNone() throws {
        var device = Self.device()
        _ = device.connected()
        _ = Self.send(&device, "aircon/commands/aircon_1", #"{"action":"inject_fault","fault_type":"low_pressure"}"#)
        let reaction = Self.send(
            &device, "$aws/things/aircon_1/shadow/update/delta", #"{"version":9,"state":{"error_code":"None"}}"#)
        #expect(device.model.errorCode == .none)
        let state = Self.json(try #require(reaction.messages.first))["state"]
        #expect(state?["reported"]?["error_code"] == "None")
        #expect(state?["desired"] == ["error_code": nil])
    }

    @Test func theDeltaOfAGetIsAppliedAtStart() {
        var device = Self.device()
        _ = device.connected()
        let accepted = #"""
            {"state":{"desired":{"mode":"off","setpoint_temperature_c":24},"reported":{"mode":"cool"},
             "delta":{"mode":"off"}},"version":3,"timestamp":1741094480}
            """#
        let reaction = Self.send(&device, "$aws/things/aircon_1/shadow/get/accepted", accepted)
        #expect(device.model.mode == .off)
        #expect(Self.json(reaction.messages[0])["state"]?["desired"] == ["mode": nil])
        // No delta: nothing to do.
        let inSync = Self.send(
            &device, "$aws/things/aircon_1/shadow/get/accepted", #"{"state":{"reported":{"mode":"off"}},"version":4}"#)
        #expect(inSync.messages.isEmpty)
    }

    @Test func shadowRejectionsAreCountedExceptANewShadow() {
        var device = Self.device()
        _ = Self.send(
            &device, "$aws/things/aircon_1/shadow/get/rejected", #"{"code":404,"message":"No shadow exists"}"#)
        #expect(device.statistics.shadowRejections == 0)
        _ = Self.send(&device, "$aws/things/aircon_1/shadow/update/rejected", #"{"code":400,"message":"bad"}"#)
        _ = Self.send(&device, "$aws/things/aircon_1/shadow/get/rejected", #"{"code":500,"message":"oops"}"#)
        #expect(device.statistics.shadowRejections == 2)
        let junk = Self.send(&device, "$aws/things/aircon_1/shadow/update/delta", "{{{")
        #expect(junk.messages.isEmpty)
        #expect(device.statistics.commandsRejected == 1)
    }

    @Test func aFilterThatWearsOutIsReported() {
        var device = SimulatedAircon(name: "aircon_1", index: 1, seed: 5, startTime: Self.start, interval: 3600)
        _ = device.connected()
        var updates: [JSONValue] = []
        for _ in 0...501 {
            for message in device.takeReading() where message.topic.hasSuffix("/shadow/update") {
                updates.append(Self.json(message))
            }
        }
        #expect(updates.count == 1)
        #expect(updates.first?["state"]?["reported"]?["filter_status"] == "Needs Cleaning")
    }

    @Test func withoutShadowsOnlyTheCommandTopicIsUsed() {
        var device = Self.device(usesShadow: false)
        #expect(device.subscriptions == ["aircon/commands/aircon_1"])
        #expect(device.connected().isEmpty)
        let reaction = Self.send(
            &device, "aircon/commands/aircon_1", #"{"action":"inject_fault","fault_type":"low_pressure"}"#)
        #expect(reaction.messages.map(\.topic) == ["aircon/errors"])
        #expect(
            Self.send(&device, "$aws/things/aircon_1/shadow/update/delta", #"{"state":{"mode":"off"}}"#).messages
                .isEmpty)
        #expect(device.model.mode == .cool)
    }

    @Test func publishedMessagesAreCounted() {
        var device = Self.device()
        let messages =
            device.connected() + device.takeReading()
            + Self.send(&device, "aircon/commands/aircon_1", #"{"action":"inject_fault","fault_type":"low_pressure"}"#)
            .messages
        for message in messages { device.published(message) }
        device.failedToPublish(messages[0])
        device.dropped(messages[0])
        #expect(device.statistics.readingsPublished == 1)
        #expect(device.statistics.errorsPublished == 1)
        #expect(device.statistics.shadowUpdatesPublished == 2)
        #expect(device.statistics.publishFailures == 1)
        #expect(device.statistics.messagesDropped == 1)
        #expect(device.acknowledgedReportedState?["error_code"] == "E2")
    }

    @Test func devicesOfAFleetDifferButRepeat() {
        func first(_ index: Int, seed: UInt64) -> JSONValue {
            var device = SimulatedAircon(name: "aircon_\(index)", index: index, seed: seed, startTime: 0, interval: 30)
            return Self.json(device.takeReading()[0])
        }
        #expect(first(1, seed: 7) == first(1, seed: 7))
        var withoutNames = Set<JSONValue>()
        for index in 1...4 {
            var reading = first(index, seed: 7).objectValue ?? [:]
            reading["device_name"] = nil
            withoutNames.insert(.object(reading))
        }
        #expect(withoutNames.count == 4)
    }
}
