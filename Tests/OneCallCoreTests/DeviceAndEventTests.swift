import OneCallCore
import Testing

@Suite("Civil time")
struct CivilTimeTests {
    @Test(arguments: [
        ("1970-01-01T00:00:00Z", 0.0), ("2025-03-04 13:21:12", 1_741_094_472), ("2000-02-29T12:00:00Z", 951_825_600),
        ("2026-11-25T16:04:05.250+01:00", 1_795_619_045.25), ("1969-12-31T23:59:59Z", -1),
        ("2024-12-31T23:59:59-00:30", 1_735_691_399),
    ])
    func parsesRFC3339AndTheTrainingDataLayout(text: String, seconds: Double) {
        #expect(CivilTime.parse(text) == seconds)
    }

    @Test(arguments: [
        "2025-13-01T00:00:00Z", "2025-03-04", "2025-03-04T10:00:00+0100", "yesterday", "2025-03-04T10:00:00.Z",
    ])
    func refusesWhatIsNotATime(text: String) {
        #expect(CivilTime.parse(text) == nil)
    }

    @Test func roundTripsThroughCalendarFields() {
        var generator = SeededRandomNumberGenerator(seed: 3)
        for _ in 0..<1000 {
            let seconds = Double(Int64.random(in: -2_000_000_000...4_000_000_000, using: &generator))
            let civil = CivilTime(epochSeconds: seconds)
            #expect(civil.epochSeconds == seconds)
            #expect(CivilTime.parse(civil.rfc3339) == seconds)
        }
        #expect(CivilTime(epochSeconds: 1_741_094_472).dateTimeText == "2025-03-04 13:21:12")
    }
}

@Suite("Device descriptions and import")
struct DeviceImportTests {
    @Test func theReferenceDevicesFileImports() throws {
        let text = #"""
            {"devices": [
              {"device_id": "unit_a", "type": "aircon", "address": "Street 1", "city": "San Diego", "state": "CA",
               "zip": "92130", "country": "US", "site_owner": "Customer 1", "site_owner_contact": "+11234567890"}
            ]}
            """#
        let descriptions = try DeviceImport.descriptions(from: Array(text.utf8))
        #expect(descriptions.count == 1)
        let device = try Device(json: descriptions[0], now: 100)
        #expect(device.id == "unit_a")
        #expect(device.siteOwnerContact == "+11234567890")
        #expect(device.zip == "92130")
        #expect(device.createdAt == 100)
        #expect(device.json()["site_owner"] == "Customer 1")
    }

    @Test func csvWithQuotesAndExtraColumnsImports() throws {
        let csv =
            "device_id,type,address,site_owner_contact,floor\r\n"
            + "u1,meter,\"Main St, 5\",+1555,3\r\n" + "u2,meter,\"say \"\"hi\"\"\",,\n\n"
        let descriptions = try DeviceImport.descriptions(from: Array(csv.utf8))
        #expect(descriptions.count == 2)
        #expect(descriptions[0]["address"] == "Main St, 5")
        #expect(descriptions[0]["attributes"] == ["floor": "3"])
        #expect(descriptions[1]["address"] == "say \"hi\"")
        #expect(descriptions[1]["site_owner_contact"] == nil)
    }

    @Test(arguments: [
        "type,city\nx,y\n", "device_id,type\n\"u1,meter\n", "device_id,type\nu1\n", "{\"devices\": 3}", "[1]", "{",
    ])
    func malformedImportsAreRefused(text: String) {
        #expect(throws: DeviceValidationError.self) {
            let descriptions = try DeviceImport.descriptions(from: Array(text.utf8))
            for description in descriptions { _ = try Device(json: description, now: 0) }
        }
    }

    @Test func descriptionsAreValidated() {
        #expect(throws: DeviceValidationError.self) { try Device(json: ["device_id": "bad id!"], now: 0) }
        #expect(throws: DeviceValidationError.self) { try Device(json: ["type": "x"], now: 0) }
        #expect(throws: DeviceValidationError.self) { try Device(json: ["device_id": "a", "colour": "red"], now: 0) }
        #expect(throws: DeviceValidationError.self) { try Device(json: ["device_id": "a", "city": ["x"]], now: 0) }
        #expect(throws: DeviceValidationError.self) {
            try Device(json: ["device_id": "a"], id: "b", now: 0)
        }
    }

    @Test func anUpdateKeepsWhatItDoesNotMentionAndNullClears() throws {
        let existing = try Device(json: ["device_id": "a", "city": "Oslo", "zip": "0150"], now: 1)
        let patched = try Device(json: ["city": "Bergen", "zip": nil], id: "a", existing: existing, now: 2)
        #expect(patched.city == "Bergen")
        #expect(patched.zip == nil)
        #expect(patched.createdAt == 1)
        #expect(patched.updatedAt == 2)
        let replaced = try Device(json: ["type": "meter"], id: "a", existing: existing, replace: true, now: 3)
        #expect(replaced.city == nil)
        #expect(replaced.createdAt == 1)
    }
}

@Suite("Event intake")
struct EventIntakeTests {
    func parse(_ text: String) throws -> EventIntake.Parsed {
        var counter = 0
        return try EventIntake.parse(
            JSONValue(parsing: text), noErrorCodes: ["None"], now: 500,
            newID: {
                counter += 1
                return "id\(counter)"
            })
    }

    @Test func theGenericEventAndTheReferenceErrorMessageAreAccepted() throws {
        let generic = try parse(
            #"{"device_id":"pump-3","error_code":"P7","timestamp":"2026-01-01T00:00:00Z","details":{"line":2},"site":"x"}"#
        )
        #expect(generic.events.count == 1)
        #expect(generic.events[0].deviceID == "pump-3")
        #expect(generic.events[0].errorCode == "P7")
        #expect(generic.events[0].timestamp == 1_767_225_600)
        #expect(generic.events[0].details == ["line": 2, "site": "x"])
        let reference = try parse(#"{"device_name": "unit", "error_code": "Z9", "timestamp": 1741094472.5}"#)
        #expect(reference.events[0].deviceID == "unit")
        #expect(reference.events[0].timestamp == 1_741_094_472.5)
        let millis = try parse(
            #"[{"device_id":"a","error_code":"c","timestamp":1741094472500},{"device_id":"b","error_code":"None"}]"#)
        #expect(millis.events.count == 1)
        #expect(millis.ignored == 1)
        #expect(millis.events[0].timestamp == 1_741_094_472.5)
        #expect(try parse(#"{"device_id":"a","error_code":"c"}"#).events[0].timestamp == 500)
    }

    @Test(arguments: [
        #"{"error_code":"c"}"#, #"{"device_id":"a"}"#, #"{"device_id":"a","error_code":"c","timestamp":"soon"}"#,
        #"{"device_id":["a"],"error_code":"c"}"#, "3", #"[3]"#, #"{"alerts": {}}"#,
        #"{"alerts": [{"status":"firing","labels":{"severity":"x"}}]}"#,
        #"{"device_id":"a","error_code":"c","timestamp":1e300}"#,
        #"{"device_id":"a","error_code":"c","timestamp":"1900-01-01T00:00:00Z"}"#,
    ])
    func malformedEventsAreRefused(text: String) {
        #expect(throws: EventIntake.Failure.self) { try parse(text) }
    }

    @Test func alertmanagerFiringAlertsBecomeEvents() throws {
        let webhook = #"""
            {"version":"4","groupKey":"{}:{alertname=\"HighTemp\"}","status":"firing","receiver":"onecall",
             "groupLabels":{"alertname":"HighTemp"},"commonLabels":{"alertname":"HighTemp","job":"node"},
             "commonAnnotations":{},"externalURL":"http://am:9093","truncatedAlerts":0,
             "alerts":[
              {"status":"firing","labels":{"instance":"host-1:9100"},"annotations":{"summary":"hot"},
               "startsAt":"2026-11-25T10:00:00.000Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"f1",
               "generatorURL":"http://prom/graph"},
              {"status":"resolved","labels":{"instance":"host-2:9100"},"startsAt":"2026-11-25T09:00:00Z"},
              {"status":"firing","labels":{"device_id":"unit-9","error_code":"OVERHEAT"},"startsAt":"2026-11-25T10:00:01Z"}
             ]}
            """#
        let parsed = try parse(webhook)
        #expect(parsed.ignored == 1)
        #expect(parsed.events.map(\.deviceID) == ["host-1:9100", "unit-9"])
        #expect(parsed.events.map(\.errorCode) == ["HighTemp", "OVERHEAT"])
        #expect(parsed.events[0].source == .alertmanager)
        #expect(parsed.events[0].timestamp == CivilTime.parse("2026-11-25T10:00:00Z"))
        #expect(parsed.events[0].details["annotations"] == ["summary": "hot"])
    }
}
