import OneCallAnomaly
import OneCallCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Seeded synthetic air-conditioner telemetry in the reference's recorded layout, one reading per unit
/// every 30 s, following the rules of the simulator's units (a thermostat with ±0.5 °C hysteresis,
/// heat gain from an outdoor temperature that drifts toward a target drawn every 24 h, a refrigerant
/// pressure that walks ±2 PSI per reading around its nominal value, whole-number readings), with
/// faults that can be injected into one unit from a given time.
struct AirconTelemetryGenerator {
    /// A fault that changes how a unit behaves from its onset on.
    enum Fault: Sendable, Hashable {
        /// The nominal pressure falls by this many PSI per hour.
        case refrigerantLeak(psiPerHour: Double)
        /// The fan turns at this share of its usual speed.
        case weakFan(share: Double)
        /// The refrigerant pressure reading keeps its value at onset.
        case frozenPressure
        /// The compressor switches on and off every this many readings, whatever the room.
        case shortCycling(readings: Int)
        /// The compressor runs without cycling and draws 1250–1800 W.
        case abnormalWattage
    }

    /// The recorded layout's columns.
    static let columns = [
        "timestamp", "device_name", "indoor_temperature_c", "outdoor_temperature_c", "setpoint_temperature_c", "mode",
        "power_consumption_watts", "compressor_status", "fan_speed_rpm", "refrigerant_pressure_psi", "error_code",
        "filter_status", "runtime_hours", "wattage_mode",
    ]
    /// Columns that are not fields of a reading.
    static let excluded: Set<String> = ["timestamp", "device_name", "wattage_mode"]
    /// Seconds between readings.
    static let period = 30.0

    /// One unit.
    struct Unit {
        let name: String
        let ratedPower: Int
        var nominalPressure: Double
        var setpoint: Int
        var indoor: Double
        var outdoor: Double
        var outdoorTarget: Double
        var pressure: Double
        var compressorOn = false
        var runtimeHours = 0.0
        var fault: Fault?
        var faultOnset = Double.infinity
        var frozenPressure: Double?
        var cyclingCounter = 0
    }

    private(set) var units: [Unit] = []
    private var rng: SeededRandomNumberGenerator
    /// The time of the next reading, in seconds since 1970.
    private(set) var time: Double
    private var nextTargetChange: Double

    /// Creates `units` units with random ratings, nominal pressures, setpoints and weather.
    init(seed: UInt64, units count: Int, start: Double = 1_741_094_472) {
        rng = SeededRandomNumberGenerator(seed: seed)
        time = start
        nextTargetChange = start + 86_400
        for index in 0..<count {
            let setpoint = Int.random(in: 18...24, using: &rng)
            let outdoor = Double.random(in: 25...31, using: &rng)
            let unit = Unit(
                name: "aircon_\(index + 1)", ratedPower: [840, 880, 920][Int.random(in: 0..<3, using: &rng)],
                nominalPressure: Double.random(in: 150...240, using: &rng), setpoint: setpoint,
                indoor: Double(setpoint) + Double.random(in: -2...4, using: &rng), outdoor: outdoor,
                outdoorTarget: Double.random(in: 25...33, using: &rng),
                pressure: 0)
            units.append(unit)
            units[index].pressure = units[index].nominalPressure
        }
    }

    /// Injects a fault into one unit from `onset` (seconds since 1970) on.
    mutating func inject(_ fault: Fault, unit index: Int, at onset: Double) {
        units[index].fault = fault
        units[index].faultOnset = onset
    }

    /// The next reading of every unit, as CSV fields in ``columns`` order, 30 s after the previous ones.
    mutating func next() -> [[String]] {
        if time >= nextTargetChange {
            for index in units.indices { units[index].outdoorTarget = Double.random(in: 25...33, using: &rng) }
            nextTargetChange += 86_400
        }
        var rows: [[String]] = []
        for index in units.indices {
            var unit = units[index]
            rows.append(Self.step(&unit, time: time, rng: &rng))
            units[index] = unit
        }
        time += Self.period
        return rows
    }

    /// The reading a row of fields stands for.
    static func reading(_ fields: [String]) -> TelemetryReading {
        TelemetryReading(
            timestamp: CivilTime.parse(fields[0]) ?? 0, columns: columns, fields: fields, excluding: excluded)
    }

    private static func step(_ unit: inout Unit, time: Double, rng: inout SeededRandomNumberGenerator) -> [String] {
        let dt = Self.period
        let faulty = time >= unit.faultOnset
        let fault = faulty ? unit.fault : nil
        unit.outdoor += (unit.outdoorTarget - unit.outdoor) * (1 - exp(-dt / (3 * 3600)))
        var abnormal = false
        if case .refrigerantLeak(let rate) = fault { unit.nominalPressure -= rate * dt / 3600 }
        switch fault {
        case .shortCycling(let readings):
            unit.cyclingCounter += 1
            if unit.cyclingCounter >= readings {
                unit.cyclingCounter = 0
                unit.compressorOn.toggle()
            }
        case .abnormalWattage:
            abnormal = true
            unit.compressorOn = true
        default:
            if unit.indoor > Double(unit.setpoint) + 0.5 {
                unit.compressorOn = true
            } else if unit.indoor < Double(unit.setpoint) - 0.5 {
                unit.compressorOn = false
            }
        }
        var change = (unit.outdoor - unit.indoor) * (1 - exp(-dt / (3 * 3600)))
        if unit.compressorOn { change -= 8.0 / 3600 * (abnormal ? 0.4 : 1) * dt }
        unit.indoor += change
        let walk = Double.random(in: -2...2, using: &rng)
        unit.pressure += (unit.nominalPressure - unit.pressure) * (1 - exp(-dt / 1800)) + walk
        unit.pressure = min(max(unit.pressure, 50), 300)
        unit.runtimeHours += dt / 3600

        var fan =
            unit.compressorOn ? Double.random(in: 1000...1500, using: &rng) : Double.random(in: 500...700, using: &rng)
        if case .weakFan(let share) = fault { fan *= share }
        let power = !unit.compressorOn ? 0 : abnormal ? Int.random(in: 1250...1800, using: &rng) : unit.ratedPower
        var pressure = unit.pressure.rounded()
        if case .frozenPressure = fault {
            if unit.frozenPressure == nil { unit.frozenPressure = pressure }
            pressure = unit.frozenPressure ?? pressure
        }
        let jitter = Double(Int.random(in: 0...1, using: &rng))
        return [
            CivilTime(epochSeconds: time + jitter).dateTimeText, unit.name, "\(Int(unit.indoor.rounded()))",
            "\(Int(unit.outdoor.rounded()))", "\(unit.setpoint)", "cool", "\(power)",
            unit.compressorOn ? "On" : "Off", "\(Int(fan.rounded()))", "\(Int(pressure))", "None", "Clean",
            "\(Int(unit.runtimeHours.rounded(.down)))", abnormal ? "abnormal" : "normal",
        ]
    }
}
