import OneCallCore
import OneCallSimulator
import Testing

/// The model alone: thermostat, power, faults, filter, runtime and weather, with a seeded generator.
@Suite struct AirconModelTests {
    static let readingKeys = [
        "device_name", "indoor_temperature_c", "outdoor_temperature_c", "setpoint_temperature_c", "mode",
        "indoor_humidity_percent", "outdoor_humidity_percent", "power_consumption_watts", "compressor_status",
        "fan_speed_rpm", "refrigerant_pressure_psi", "error_code", "filter_status", "runtime_hours", "timestamp",
    ]

    /// A unit in a known state: setpoint 22 °C, room 28 °C, outdoor 30 °C, rated 880 W.
    static func unit(
        setpoint: Int = 22, indoor: Double = 28, outdoor: Double = 30, rng: inout SeededRandomNumberGenerator
    ) -> AirconModel {
        AirconModel(
            deviceName: "aircon_1", setpointTemperature: setpoint, indoorTemperature: indoor,
            outdoorTemperature: outdoor, ratedPower: 880, nominalPressure: 200, rng: &rng)
    }

    @Test func sameSeedSameReadingsOtherSeedOtherReadings() {
        func day(seed: UInt64) -> [JSONValue] {
            var rng = SeededRandomNumberGenerator(seed: seed)
            var model = AirconModel.random(deviceName: "aircon_1", rng: &rng)
            var readings: [JSONValue] = []
            for step in 0..<200 {
                if step == 50 { model.apply(.setWattageMode(.abnormal), rng: &rng) }
                if step == 120 { model.apply(.injectFault(.lowPressure), rng: &rng) }
                readings.append(model.reading(at: Double(step) * 30))
                model.advance(by: 30, rng: &rng)
            }
            return readings
        }
        #expect(day(seed: 42) == day(seed: 42))
        #expect(day(seed: 42) != day(seed: 43))
    }

    @Test func readingHasTheReferenceFieldsInOrder() {
        var rng = SeededRandomNumberGenerator(seed: 1)
        let reading = AirconModel.random(deviceName: "aircon_3", rng: &rng).reading(at: 1_741_094_472.5)
        #expect(reading.objectValue?.keys == Self.readingKeys)
        #expect(reading["device_name"] == "aircon_3")
        #expect(reading["timestamp"] == .double(1_741_094_472.5))
        #expect(reading["error_code"] == "None")
        #expect(reading["filter_status"] == "Clean")
        #expect(reading["mode"] == "cool")
        #expect(
            reading.jsonString.hasSuffix(
                #""error_code":"None","filter_status":"Clean","runtime_hours":0,"timestamp":1741094472.5}"#))
    }

    @Test func coolingReachesTheSetpointAndTheThermostatCycles() {
        var rng = SeededRandomNumberGenerator(seed: 2)
        var model = Self.unit(rng: &rng)
        #expect(model.isCompressorOn)
        var minutesToSetpoint: Int?
        var compressorStates: [Bool] = []
        for minute in 1...(4 * 60) {
            model.advance(by: 60, rng: &rng)
            compressorStates.append(model.isCompressorOn)
            if minutesToSetpoint == nil, model.indoorTemperature <= 22 { minutesToSetpoint = minute }
            if minute > 120 {
                // Held within the dead band (±0.5 °C), give or take one step's change.
                #expect(abs(model.indoorTemperature - 22) < 0.8)
            }
        }
        // 6 °C at 8 °C/h minus the heat gain: well under two hours.
        #expect((minutesToSetpoint ?? .max) < 120)
        let switches = zip(compressorStates, compressorStates.dropFirst()).filter { $0 != $1 }.count
        #expect(switches >= 4)
        #expect(compressorStates.contains(false))
    }

    @Test func roomWarmsTowardOutdoorsWhenNotCooling() {
        var rng = SeededRandomNumberGenerator(seed: 3)
        var model = Self.unit(indoor: 22, outdoor: 32, rng: &rng)
        model.apply(.setMode(.fanOnly), rng: &rng)
        model.advance(by: 3600, rng: &rng)
        #expect(!model.isCompressorOn)
        #expect(model.indoorTemperature > 24)
        #expect(model.indoorTemperature < 32)
    }

    @Test func powerAndFanFollowTheCompressor() {
        var rng = SeededRandomNumberGenerator(seed: 4)
        var model = Self.unit(rng: &rng)
        var sawOn = false
        var sawOff = false
        for _ in 0..<(6 * 120) {
            model.advance(by: 30, rng: &rng)
            let reading = model.reading(at: 0)
            if model.isCompressorOn {
                sawOn = true
                #expect(reading["compressor_status"] == "On")
                #expect(model.powerConsumption == 880)
                #expect(AirconModel.runningFanSpeedRange.contains(model.fanSpeed))
            } else {
                sawOff = true
                #expect(reading["compressor_status"] == "Off")
                #expect(model.powerConsumption == 0)
                #expect(AirconModel.idleFanSpeedRange.contains(model.fanSpeed))
            }
        }
        #expect(sawOn && sawOff)

        model.apply(.setMode(.off), rng: &rng)
        let runtime = model.runtimeHours
        model.advance(by: 7200, rng: &rng)
        #expect(!model.isCompressorOn)
        #expect(model.fanSpeed == 0)
        #expect(model.powerConsumption == 0)
        #expect(model.runtimeHours == runtime)
        #expect(model.reading(at: 0)["mode"] == "off")
    }

    @Test func highTemperatureFaultRaisesTheIndoorReadingFiveToTenDegrees() {
        var rng = SeededRandomNumberGenerator(seed: 5)
        var model = Self.unit(indoor: 22, rng: &rng)
        model.advance(by: 1800, rng: &rng)
        model.apply(.injectFault(.highTemperature), rng: &rng)
        #expect(model.errorCode == .e1)
        #expect(model.reading(at: 0)["error_code"] == "E1")
        model.advance(by: 600, rng: &rng)
        let excess = model.measuredIndoorTemperature - model.indoorTemperature
        #expect(excess >= 4.95 && excess <= 10)
        let reported = model.reading(at: 0)["indoor_temperature_c"]?.doubleValue ?? 0
        #expect(abs(reported - model.measuredIndoorTemperature) <= 0.5)
        // The thermostat acts on the room, so the room itself stays controlled.
        #expect(abs(model.indoorTemperature - 22) < 1)

        model.apply(.clearFault, rng: &rng)
        #expect(model.errorCode == .none)
        model.advance(by: 600, rng: &rng)
        #expect(model.temperatureFaultExcess < 0.1)
        #expect(model.reading(at: 0)["error_code"] == "None")
    }

    @Test func lowPressureFaultBringsThePressureToFiftyToSixty() {
        var rng = SeededRandomNumberGenerator(seed: 6)
        var model = Self.unit(rng: &rng)
        model.apply(.injectFault(.lowPressure), rng: &rng)
        #expect(model.errorCode == .e2)
        model.advance(by: 600, rng: &rng)
        #expect(AirconModel.lowPressureRange.contains(model.refrigerantPressure))
        for _ in 0..<20 {
            model.advance(by: 30, rng: &rng)
            let psi = model.reading(at: 0)["refrigerant_pressure_psi"]?.intValue ?? 0
            #expect((50...60).contains(psi))
        }
        model.apply(.clearFault, rng: &rng)
        model.advance(by: 3 * 3600, rng: &rng)
        #expect(model.refrigerantPressure > 170)
    }

    @Test func compressorFailureKeepsTheCompressorOffAtZeroWatts() {
        var rng = SeededRandomNumberGenerator(seed: 7)
        var model = Self.unit(indoor: 30, rng: &rng)
        #expect(model.isCompressorOn)
        model.apply(.injectFault(.compressorFailure), rng: &rng)
        #expect(model.errorCode == .e3)
        #expect(!model.isCompressorOn)
        #expect(model.powerConsumption == 0)
        model.apply(.setWattageMode(.abnormal), rng: &rng)
        for _ in 0..<120 {
            model.advance(by: 30, rng: &rng)
            #expect(!model.isCompressorOn)
            #expect(model.reading(at: 0)["power_consumption_watts"] == 0)
            #expect(model.reading(at: 0)["compressor_status"] == "Off")
        }
        #expect(model.indoorTemperature > 29)
        model.apply(.clearFault, rng: &rng)
        #expect(model.isCompressorOn)
        #expect(model.powerConsumption > 1200)
    }

    @Test func abnormalWattageKeepsPowerAboveTwelveHundredUntilNormal() {
        var rng = SeededRandomNumberGenerator(seed: 8)
        var model = Self.unit(setpoint: 24, indoor: 24, outdoor: 26, rng: &rng)
        model.apply(.setWattageMode(.abnormal), rng: &rng)
        var powers: Set<Int> = []
        for _ in 0..<(4 * 120) {
            model.advance(by: 30, rng: &rng)
            #expect(model.isCompressorOn)
            #expect(AirconModel.abnormalPowerRange.contains(model.powerConsumption))
            powers.insert(model.powerConsumption)
        }
        #expect(powers.count > 100)
        // Running without cycling but at 40 % of its cooling: cooler than the setpoint, not frozen.
        #expect(model.indoorTemperature > 15)

        model.apply(.setWattageMode(.normal), rng: &rng)
        for _ in 0..<(4 * 120) {
            model.advance(by: 30, rng: &rng)
            #expect(model.powerConsumption == 0 || model.powerConsumption == 880)
        }
    }

    @Test func filterNeedsCleaningAfter500RuntimeHoursAndReplacingAfter1000() {
        var rng = SeededRandomNumberGenerator(seed: 9)
        var model = Self.unit(rng: &rng)
        model.advance(by: 499 * 3600, rng: &rng)
        #expect(model.filterStatus == .clean)
        model.advance(by: 2 * 3600, rng: &rng)
        #expect(model.filterStatus == .needsCleaning)
        #expect(model.reading(at: 0)["filter_status"] == "Needs Cleaning")
        model.advance(by: 500 * 3600, rng: &rng)
        #expect(model.filterStatus == .replace)

        model.apply(.updateFilterStatus(.clean), rng: &rng)
        #expect(model.filterStatus == .clean)
        #expect(model.filterHours == 0)
        model.apply(.updateFilterStatus(.needsCleaning), rng: &rng)
        #expect(model.filterStatus == .needsCleaning)

        // Hours while off do not count.
        model.apply(.updateFilterStatus(.clean), rng: &rng)
        model.apply(.setMode(.off), rng: &rng)
        model.advance(by: 600 * 3600, rng: &rng)
        #expect(model.filterStatus == .clean)
    }

    @Test func runtimeAccumulatesWhileOnAndResets() {
        var rng = SeededRandomNumberGenerator(seed: 10)
        var model = Self.unit(rng: &rng)
        model.advance(by: 90 * 60, rng: &rng)
        #expect(abs(model.runtimeHours - 1.5) < 1e-9)
        #expect(model.reading(at: 0)["runtime_hours"] == 1)
        model.apply(.setMode(.fanOnly), rng: &rng)
        model.advance(by: 30 * 60, rng: &rng)
        #expect(abs(model.runtimeHours - 2) < 1e-9)
        model.apply(.resetRuntime, rng: &rng)
        #expect(model.runtimeHours == 0)
        #expect(model.reading(at: 0)["runtime_hours"] == 0)
        // The filter keeps its own count.
        #expect(abs(model.filterHours - 2) < 1e-9)
    }

    @Test func outdoorTargetChangesEvery24Hours() {
        var rng = SeededRandomNumberGenerator(seed: 11)
        var model = AirconModel.random(deviceName: "aircon_1", rng: &rng)
        let first = model.outdoorTargetTemperature
        model.advance(by: 23 * 3600, rng: &rng)
        #expect(model.outdoorTargetTemperature == first)
        #expect(model.outdoorTargetChanges == 0)
        // Seven time constants of drift: at the target.
        model.advance(by: 59 * 60, rng: &rng)
        #expect(abs(model.outdoorTemperature - first) < 0.01)

        model.advance(by: 60, rng: &rng)
        #expect(model.outdoorTargetChanges == 1)
        #expect(model.outdoorTargetTemperature != first)
        #expect(model.nextOutdoorTargetChange == 2 * 86_400)

        var targets = [first, model.outdoorTargetTemperature]
        for day in 2...5 {
            model.advance(by: 86_400, rng: &rng)
            #expect(model.outdoorTargetChanges == day)
            targets.append(model.outdoorTargetTemperature)
        }
        #expect(Set(targets).count == targets.count)
        #expect(targets.allSatisfy { AirconModel.outdoorTargetRange.contains($0) })
    }

    @Test func commandsThatChangeNothingLeaveTheModelAlone() {
        var rng = SeededRandomNumberGenerator(seed: 12)
        var model = Self.unit(rng: &rng)
        model.apply(.injectFault(.highTemperature), rng: &rng)
        var again = model
        var otherRNG = rng
        again.apply(.injectFault(.highTemperature), rng: &otherRNG)
        again.apply(.disconnect, rng: &otherRNG)
        #expect(again == model)
        model.apply(.setSetpoint(40), rng: &rng)
        #expect(model.setpointTemperature == AirconCommand.setpointRange.upperBound)
    }

    /// A day of four devices with a fixed seed: every value in the training data's ranges (or the
    /// documented ones where the model differs), and the same statistics on every run.
    @Test func aSimulatedDayStaysInTheTrainingDataRanges() {
        func simulateDay() -> [[JSONValue]] {
            (1...4).map { index in
                var device = SimulatedAircon(
                    name: "aircon_\(index)", index: index, seed: 2025, startTime: 1_741_094_472, interval: 30)
                return (0..<2880).flatMap { _ in
                    device.takeReading().compactMap { message -> JSONValue? in
                        if case .telemetry(let record) = message.kind { return record.reading }
                        return nil
                    }
                }
            }
        }
        let day = simulateDay()
        #expect(day == simulateDay())
        var compressorOn = 0
        for readings in day {
            #expect(readings.count == 2880)
            for reading in readings {
                #expect(reading.objectValue?.keys == Self.readingKeys)
                func number(_ key: String) -> Double { reading[key]?.doubleValue ?? .nan }
                #expect((14...30).contains(number("indoor_temperature_c")))
                #expect((25...33).contains(number("outdoor_temperature_c")))
                #expect((18...24).contains(number("setpoint_temperature_c")))
                #expect((0...100).contains(number("indoor_humidity_percent")))
                #expect((0...100).contains(number("outdoor_humidity_percent")))
                #expect((120...300).contains(number("refrigerant_pressure_psi")))
                #expect((0...23).contains(number("runtime_hours")))
                #expect(reading["error_code"] == "None")
                #expect(reading["filter_status"] == "Clean")
                #expect(reading["mode"] == "cool")
                let power = number("power_consumption_watts")
                let fan = number("fan_speed_rpm")
                if reading["compressor_status"] == "On" {
                    compressorOn += 1
                    #expect([840, 880, 920].contains(power))
                    #expect((1000...1500).contains(fan))
                } else {
                    #expect(reading["compressor_status"] == "Off")
                    #expect(power == 0)
                    #expect((500...700).contains(fan))
                }
            }
            #expect(readings.last?["runtime_hours"] == 23)
        }
        let share = Double(compressorOn) / Double(4 * 2880)
        #expect(share > 0.1 && share < 0.9)
    }
}
