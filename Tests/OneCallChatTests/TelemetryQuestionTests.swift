import OneCallChat
import Testing

@Suite("Telemetry questions")
struct TelemetryQuestionTests {
    @Test(arguments: [
        "average power of aircon_3 in the last hour",
        "What was the avg power consumption of aircon_3 over the past hour?",
        "mean wattage aircon_3 last 60 minutes", "averge powr of aircon_3 in the last hour",
    ])
    func anAverageNamesTheFieldUnitCountAndWindow(_ message: String) async throws {
        let world = try await ChatTestWorld()
        let answer = try await world.ask(message)
        #expect(answer.intent == "telemetry")
        #expect(answer.grounded)
        // k = 0…12: 880 + (k % 3) * 10 → 11560 / 13.
        #expect(answer.answer.contains("average `power_consumption_watts` of `aircon_3`"))
        #expect(answer.answer.contains("**889.23 W**, from 13 readings"))
        #expect(answer.answer.contains("2025-10-09 08:00:00 UTC – 2025-10-09 09:00:00 UTC"))
        #expect(answer.facts.map(\.source) == ["telemetry/aircon_3"])
    }

    @Test func otherDevicesFieldsAndUnitsWork() async throws {
        let world = try await ChatTestWorld()
        let pressure = try await world.ask("max pressure of unit-7 over the last 30 minutes")
        #expect(pressure.answer.contains("maximum `discharge_pressure_bar` of `unit-7`"))
        #expect(pressure.answer.contains("**4.4 bar**, from 7 readings"))

        let flow = try await world.ask("lowest flow of unit-7 today")
        #expect(flow.answer.contains("**364 L/min**, from 37 readings"))
        #expect(flow.answer.contains("today (2025-10-09 00:00:00 UTC"))

        let water = try await world.ask("min supply water temp of chiller-north in the last 2h")
        #expect(water.answer.contains("minimum `supplyWaterTempC` of `chiller-north`"))
        #expect(water.answer.contains("**7 °C**, from 25 readings"))
    }

    @Test func theLatestValueAndAnAmbiguousWordGiveEveryMatchingField() async throws {
        let world = try await ChatTestWorld()
        let latest = try await world.ask("latest temperature of aircon_1")
        #expect(latest.answer.contains("**Latest reading of `aircon_1`** (2025-10-09 09:00:00 UTC)"))
        #expect(latest.answer.contains("`indoor_temperature_c`: 24 °C"))
        #expect(latest.answer.contains("`outdoor_temperature_c`: 30 °C"))
        #expect(latest.answer.contains("`setpoint_temperature_c`: 22 °C"))
        #expect(!latest.answer.contains("humidity"))

        let indoor = try await world.ask("what is the indoor temp of aircon_1?")
        #expect(
            indoor.answer == "The latest `indoor_temperature_c` of `aircon_1` is **24 °C**, at 2025-10-09 09:00:00 UTC."
        )

        let word = try await world.ask("compressor status of aircon_2 in the last hour")
        #expect(word.answer.contains("`compressor_status`: On (all 13)"))
    }

    @Test func noReadingsInTheWindowIsSaidAndNothingIsGuessed() async throws {
        let world = try await ChatTestWorld()
        let yesterday = try await world.ask("average power of aircon_3 yesterday")
        #expect(!yesterday.grounded)
        #expect(yesterday.facts.isEmpty)
        #expect(yesterday.answer.contains("has no readings of `power_consumption_watts` yesterday"))
        #expect(yesterday.answer.contains("Its newest reading is from 2025-10-09 09:00:00 UTC."))

        let unknownField = try await world.ask("average vibration of unit-7 in the last hour")
        #expect(unknownField.answer.contains("have no field matching “vibration”"))
        #expect(unknownField.answer.contains("`flow_lpm`"))
        #expect(!unknownField.grounded)

        let unknownDevice = try await world.ask("average power of pump-9 in the last hour")
        #expect(unknownDevice.answer.contains("I know no device `pump-9`"))
        #expect(!unknownDevice.grounded)
    }
}
