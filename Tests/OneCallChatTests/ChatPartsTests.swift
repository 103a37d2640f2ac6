import Testing

@testable import OneCallChat

@Suite("Chat parts")
struct ChatPartsTests {
    func window(_ message: String) -> ChatWindow? {
        ChatWindow.find(in: ChatToken.tokens(in: message).flatMap(\.words), maximumSeconds: 366 * 86_400)?.window
    }

    @Test func windowsAreReadFromManyPhrasings() {
        #expect(window("in the last hour")?.kind == .last(seconds: 3600))
        #expect(window("over the last 30 minutes")?.kind == .last(seconds: 1800))
        #expect(window("past 2 hours")?.kind == .last(seconds: 7200))
        #expect(window("last two days")?.kind == .last(seconds: 172_800))
        #expect(window("avg power 2h")?.kind == .last(seconds: 7200))
        #expect(window("in the last half an hour")?.kind == .last(seconds: 1800))
        #expect(window("today")?.kind == .today)
        #expect(window("yesterday")?.kind == .yesterday)
        #expect(window("last 900 days")?.kind == .last(seconds: 366 * 86_400))
        #expect(window("runtime hours of pump-3") == nil)
        #expect(window("min pressure") == nil)
        #expect(window("over the last 2 hours")?.label == "over the last 2 hours")
    }

    @Test func wordsMapToFieldsByTheirNames() {
        let aircon = [
            "indoor_temperature_c", "outdoor_temperature_c", "power_consumption_watts", "refrigerant_pressure_psi",
            "compressor_status",
        ]
        #expect(ChatFieldMatcher.match(["power"], in: aircon).fields == ["power_consumption_watts"])
        #expect(ChatFieldMatcher.match(["electricity"], in: aircon).fields == ["power_consumption_watts"])
        #expect(ChatFieldMatcher.match(["pressure"], in: aircon).fields == ["refrigerant_pressure_psi"])
        #expect(ChatFieldMatcher.match(["outdoor", "temp"], in: aircon).fields == ["outdoor_temperature_c"])
        #expect(ChatFieldMatcher.match(["temprature"], in: aircon).fields.count == 2)
        #expect(ChatFieldMatcher.match(["banana"], in: aircon).fields.isEmpty)
        let chiller = ["supplyWaterTempC", "condenser_pressure_kpa"]
        #expect(ChatFieldMatcher.match(["supply", "temperature"], in: chiller).fields == ["supplyWaterTempC"])
        #expect(ChatFieldMatcher.unit(ofField: "power_consumption_watts") == "W")
        #expect(ChatFieldMatcher.unit(ofField: "supplyWaterTempC") == "°C")
        #expect(ChatFieldMatcher.unit(ofField: "condenser_pressure_kpa") == "kPa")
        #expect(ChatFieldMatcher.unit(ofField: "pressure") == nil)
    }

    @Test func numbersAndTokensAreSpelledTheSameWayEveryTime() {
        #expect(ChatFormat.number(889.230769) == "889.23")
        #expect(ChatFormat.number(24) == "24")
        #expect(ChatFormat.number(24.5) == "24.5")
        #expect(ChatFormat.number(-0.05) == "-0.05")
        #expect(ChatFormat.number(1.005) == "1.01" || ChatFormat.number(1.005) == "1")
        #expect(ChatFormat.number(55, field: "indoor_humidity_percent") == "55%")
        #expect(ChatToken("0f8fad5b-d9cb-469f-a165-70867728950e").isUUID)
        #expect(!ChatToken("0f8fad5b-d9cb-469f-a165-70867728950").isUUID)
        #expect(ChatToken.tokens(in: "aircon_2, unique id (x)?").map(\.text) == ["aircon_2", "unique", "id", "x"])
        #expect(ChatVocabulary.canonical("temprature") == "temperature")
        #expect(ChatVocabulary.canonical("acknowleged") == "acknowledged")
        #expect(ChatVocabulary.canonical("lower") == "lower")
        #expect(ChatVocabulary.editDistance("ticekt", "ticket", limit: 2) == 1)
    }
}
