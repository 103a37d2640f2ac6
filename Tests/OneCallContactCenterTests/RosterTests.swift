import Foundation
import OneCallCore
import Testing

@testable import OneCallContactCenter

@Suite struct RosterTests {
    func roster(_ name: String, _ devices: [String]) -> Roster {
        Roster(
            name: name, devices: devices.compactMap(DevicePattern.init),
            operators: [.init(name: "op", destination: .sip("sip:op@host"))])
    }

    @Test func globsMatch() {
        let pattern = DevicePattern("aircon_?")!
        #expect(pattern.matches("aircon_1"))
        #expect(!pattern.matches("aircon_10"))
        #expect(DevicePattern("air*_1*")!.matches("aircon_12"))
        #expect(DevicePattern("*")!.matches(""))
        #expect(!DevicePattern("chiller*")!.matches("aircon_1"))
        #expect(DevicePattern("a*a*a*a*b")!.matches(String(repeating: "a", count: 200)) == false)
        #expect(DevicePattern("") == nil)
    }

    @Test func mostSpecificRosterWins() throws {
        let definitions = try ContactCenterDefinitions(rosters: [
            roster("everyone", ["*"]), roster("aircons", ["aircon_*"]), roster("unit-3", ["aircon_3"]),
            roster("aircon-1x", ["aircon_1*"]),
        ])
        #expect(definitions.roster(forDevice: "aircon_3")?.name == "unit-3")
        #expect(definitions.roster(forDevice: "aircon_2")?.name == "aircons")
        #expect(definitions.roster(forDevice: "aircon_12")?.name == "aircon-1x")
        #expect(definitions.roster(forDevice: "chiller_1")?.name == "everyone")
        let noDefault = try ContactCenterDefinitions(rosters: [roster("aircons", ["aircon_*"])])
        #expect(noDefault.roster(forDevice: "chiller_1") == nil)
    }

    @Test func readsRosterJSONWithDefaults() throws {
        let value = try JSONValue(
            parsing:
                #"{"name": "site", "devices": "*", "operators": [{"name": "Ana", "phone": "+15550101", "hours": "day"}, {"name": "Ben", "phone": "sip:ben@pbx"}]}"#
        )
        let roster = try Roster(value: value, file: "rosters.json", position: 0)
        #expect(roster.attemptsPerOperator == 2)
        #expect(roster.retryAfterMinutes == 5)
        #expect(roster.rounds == 2)
        #expect(roster.snoozeMinutes == 30)
        #expect(roster.ringTimeoutSeconds == 30)
        #expect(roster.operators.map(\.destination.address) == ["+15550101", "sip:ben@pbx"])
        #expect(roster.operators[0].hours == "day")
        #expect(roster.devices.map(\.pattern) == ["*"])
    }

    @Test func refusesBadRosters() throws {
        func check(_ json: String, _ code: ContactCenterDefinitionError.Code, item: String) throws {
            let value = try JSONValue(parsing: json)
            do {
                _ = try Roster(value: value, file: "rosters.json", position: 0)
                Issue.record("expected \(code)")
            } catch {
                #expect(error.code == code, "\(error)")
                #expect(error.item == item, "\(error)")
                #expect(error.description.hasPrefix("rosters.json: \(item): "))
            }
        }
        try check(
            #"{"name": "r", "devices": ["*"], "operators": [{"name": "Ana", "phone": "5550101"}]}"#,
            .invalidDestination,
            item: "r operator Ana")
        try check(#"{"name": "r", "devices": ["*"], "operators": []}"#, .missingKey, item: "r")
        try check(#"{"name": "r", "operators": [{"name": "A", "phone": "+15550101"}]}"#, .missingKey, item: "r")
        try check(
            #"{"name": "r", "devices": ["*"], "operators": [{"name": "A", "phone": "+15550101"}], "rounds": 0}"#,
            .invalidValue, item: "r")
        try check(#"{"devices": ["*"]}"#, .missingKey, item: "rosters[0]")
    }
}
