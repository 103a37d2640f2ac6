import OneCallCore
import OneCallSimulator
import Testing

/// Commands from payloads, shadow keys and the shell, and what `onecall publish` sends.
@Suite struct AirconCommandTests {
    static func parse(_ text: String) throws(AirconCommandError) -> AirconCommand {
        try AirconCommand(parsing: Array(text.utf8))
    }

    static func refusal(_ text: String) -> AirconCommandError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func everyReferenceActionParses() throws {
        #expect(
            try Self.parse(#"{"action":"inject_fault","fault_type":"high_temperature"}"#)
                == .injectFault(.highTemperature))
        #expect(try Self.parse(#"{"action":"inject_fault","fault_type":"low_pressure"}"#) == .injectFault(.lowPressure))
        #expect(
            try Self.parse(#"{"action":"inject_fault","fault_type":"compressor_failure"}"#)
                == .injectFault(.compressorFailure))
        #expect(try Self.parse(#"{"action":"clear_fault"}"#) == .clearFault)
        #expect(
            try Self.parse(#"{"action":"set_wattage_mode","wattage_mode":"abnormal"}"#) == .setWattageMode(.abnormal))
        #expect(try Self.parse(#"{"action":"set_wattage_mode","wattage_mode":"normal"}"#) == .setWattageMode(.normal))
        #expect(
            try Self.parse(#"{"action":"update_filter_status","filter_status":"Needs Cleaning"}"#)
                == .updateFilterStatus(.needsCleaning))
        #expect(try Self.parse(#"{"action":"reset_runtime"}"#) == .resetRuntime)
        #expect(try Self.parse(#"{"action":"disconnect"}"#) == .disconnect)
        #expect(try Self.parse(#"{"action":"set_mode","mode":"fan_only"}"#) == .setMode(.fanOnly))
        #expect(try Self.parse(#"{"action":"set_setpoint","setpoint_temperature_c":21.6}"#) == .setSetpoint(22))
        // Members the command does not use are ignored.
        #expect(try Self.parse(#"{"device_name":"aircon_1","action":"clear_fault","timestamp":1}"#) == .clearFault)
    }

    @Test func badCommandsAreRefusedWithTheirReason() {
        let cases: [(String, AirconCommandError.Code)] = [
            ("", .invalidJSON),
            ("{", .invalidJSON),
            (#"{"action":"clear_fault"} trailing"#, .invalidJSON),
            (#"["clear_fault"]"#, .notAnObject),
            (#"{}"#, .missingAction),
            (#"{"action":7}"#, .missingAction),
            (#"{"action":"explode"}"#, .unknownAction),
            (#"{"action":"inject_fault"}"#, .missingArgument),
            (#"{"action":"inject_fault","fault_type":"meltdown"}"#, .invalidArgument),
            (#"{"action":"inject_fault","fault_type":3}"#, .invalidArgument),
            (#"{"action":"set_wattage_mode","wattage_mode":"ABNORMAL"}"#, .invalidArgument),
            (#"{"action":"update_filter_status","filter_status":"dirty"}"#, .invalidArgument),
            (#"{"action":"set_setpoint","setpoint_temperature_c":"22"}"#, .invalidArgument),
            (#"{"action":"set_setpoint","setpoint_temperature_c":31}"#, .invalidArgument),
            (#"{"action":"set_setpoint","setpoint_temperature_c":13.4}"#, .invalidArgument),
        ]
        for (payload, code) in cases {
            #expect(Self.refusal(payload)?.code == code, "\(payload)")
        }
        let unknown = Self.refusal(#"{"action":"explode"}"#)
        #expect(unknown?.description.contains("explode") == true)
        #expect(unknown?.description.contains("inject_fault") == true)
        let fault = Self.refusal(#"{"action":"inject_fault","fault_type":"meltdown"}"#)
        #expect(fault?.message.contains("high_temperature, low_pressure, compressor_failure") == true)
    }

    @Test func oversizedAndDeepPayloadsAreRefusedBeforeParsing() {
        let big = #"{"action":"clear_fault","pad":""# + String(repeating: "x", count: 5000) + #""}"#
        #expect(Self.refusal(big)?.code == .invalidJSON)
        let deep =
            #"{"action":"clear_fault","x":"# + String(repeating: "[", count: 20) + String(repeating: "]", count: 20)
            + "}"
        #expect(Self.refusal(deep)?.code == .invalidJSON)
        let longAction = #"{"action":""# + String(repeating: "y", count: 1000) + #""}"#
        let refusal = Self.refusal(longAction)
        #expect(refusal?.code == .unknownAction)
        #expect((refusal?.message.count ?? .max) < 200)
    }

    @Test func payloadsRoundTrip() throws {
        let commands: [AirconCommand] = [
            .injectFault(.compressorFailure), .clearFault, .setWattageMode(.abnormal),
            .updateFilterStatus(.replace), .resetRuntime, .disconnect, .setMode(.off), .setSetpoint(19),
        ]
        for command in commands {
            #expect(try AirconCommand(parsing: command.json.jsonBytes) == command)
            #expect(command.json["action"]?.stringValue == command.action)
        }
        #expect(
            AirconCommand.injectFault(.lowPressure).json.jsonString
                == #"{"action":"inject_fault","fault_type":"low_pressure"}"#)
    }

    @Test func desiredKeysMapToCommands() throws {
        #expect(try AirconCommand(desiredKey: "error_code", value: "None") == .clearFault)
        #expect(try AirconCommand(desiredKey: "error_code", value: "E2") == .injectFault(.lowPressure))
        #expect(try AirconCommand(desiredKey: "wattage_mode", value: "normal") == .setWattageMode(.normal))
        #expect(try AirconCommand(desiredKey: "filter_status", value: "Clean") == .updateFilterStatus(.clean))
        #expect(try AirconCommand(desiredKey: "runtime_hours", value: 0) == .resetRuntime)
        #expect(try AirconCommand(desiredKey: "mode", value: "cool") == .setMode(.cool))
        #expect(try AirconCommand(desiredKey: "setpoint_temperature_c", value: 20) == .setSetpoint(20))
        for command in [AirconCommand.clearFault, .injectFault(.highTemperature), .setSetpoint(25), .resetRuntime] {
            let member = try #require(command.desiredMember)
            #expect(try AirconCommand(desiredKey: member.key, value: member.value) == command)
        }
        #expect(AirconCommand.disconnect.desiredMember == nil)

        func code(_ key: String, _ value: JSONValue) -> AirconCommandError.Code? {
            do {
                _ = try AirconCommand(desiredKey: key, value: value)
                return nil
            } catch {
                return error.code
            }
        }
        #expect(code("error_code", "E9") == .invalidArgument)
        #expect(code("runtime_hours", 5) == .invalidArgument)
        #expect(code("mode", "heat") == .invalidArgument)
        #expect(code("color", "blue") == .unknownSetting)
    }

    @Test func shellArgumentsAreCheckedLikePayloads() throws {
        #expect(
            try AirconCommand(action: "inject_fault", argument: "compressor_failure")
                == .injectFault(.compressorFailure))
        #expect(try AirconCommand(action: "set_setpoint", argument: "23") == .setSetpoint(23))
        #expect(try AirconCommand(action: "reset_runtime", argument: nil) == .resetRuntime)
        func code(_ action: String, _ argument: String?) -> AirconCommandError.Code? {
            do {
                _ = try AirconCommand(action: action, argument: argument)
                return nil
            } catch {
                return error.code
            }
        }
        #expect(code("inject_fault", nil) == .missingArgument)
        #expect(code("inject_fault", "fire") == .invalidArgument)
        #expect(code("clear_fault", "now") == .unexpectedArgument)
        #expect(code("set_setpoint", "warm") == .invalidArgument)
        #expect(code("reboot", nil) == .unknownAction)
    }

    @Test func publishHelperBuildsTopicAndPayload() throws {
        let message = try AirconCommandMessage(device: "aircon_2", action: "inject_fault", argument: "low_pressure")
        #expect(message.topic == "aircon/commands/aircon_2")
        #expect(
            String(decoding: message.payload, as: UTF8.self)
                == #"{"action":"inject_fault","fault_type":"low_pressure"}"#)
        #expect(message.command == .injectFault(.lowPressure))

        let wattage = try AirconCommandMessage(device: "aircon_4", action: "set_wattage_mode", argument: "abnormal")
        #expect(
            String(decoding: wattage.payload, as: UTF8.self)
                == #"{"action":"set_wattage_mode","wattage_mode":"abnormal"}"#)

        let custom = try AirconCommandMessage(
            device: "unit-7", command: .clearFault, topics: SimulatorTopics(commandPrefix: "site/a/commands/"))
        #expect(custom.topic == "site/a/commands/unit-7")

        let shadow = try AirconCommandMessage.shadowDesired(device: "aircon_1", command: .clearFault)
        #expect(shadow.topic == "$aws/things/aircon_1/shadow/update")
        #expect(String(decoding: shadow.payload, as: UTF8.self) == #"{"state":{"desired":{"error_code":"None"}}}"#)

        for device in ["", "a/b", "a+", "#", String(repeating: "x", count: 129)] {
            #expect(throws: AirconCommandError.self) {
                try AirconCommandMessage(device: device, action: "clear_fault", argument: nil)
            }
        }
        #expect(throws: AirconCommandError.self) {
            try AirconCommandMessage.shadowDesired(device: "aircon_1", command: .disconnect)
        }
    }
}
