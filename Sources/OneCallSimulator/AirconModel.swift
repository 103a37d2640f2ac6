import OneCallCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One simulated air conditioner: a room that gains heat from outdoors, a thermostat that runs a
/// compressor, and the faults and power modes of the reference's simulator.
///
/// The model is a value with no clock and no I/O: ``advance(by:rng:)`` moves it forward in
/// simulated time, ``apply(_:rng:)`` takes a command, and ``reading(at:)`` describes it. Given the
/// same seed and the same calls, it produces the same readings.
///
/// Rules (the numbers are the static constants below):
/// - Thermostat: in `cool` mode the compressor starts when the room is more than 0.5 °C above the
///   setpoint and stops when it is more than 0.5 °C below. In `off` and `fan_only` it is off.
/// - Room: it gains heat toward the outdoor temperature with a 3 h time constant; a running
///   compressor removes 8 °C per hour (less when faulty or in abnormal wattage mode).
/// - Power (the compressor circuit, as in the training data where an idle fan shows 0 W): the
///   unit's rated 840, 880 or 920 W while the compressor runs, 0 W otherwise. Fan: 1000–1500 rpm
///   with the compressor running, 500–700 rpm idle, 0 when off.
/// - Abnormal wattage mode: the compressor runs without cycling, draws 1250–1800 W and delivers
///   40 % of its cooling, so power stays above 1200 W for as long as the mode lasts.
/// - Refrigerant pressure: a per-unit nominal value (150–240 PSI) with a bounded random walk of
///   about ±2 PSI per 30 s, reverting to nominal with a 30 min time constant.
/// - Outdoor temperature drifts (3 h time constant) toward a target that is drawn anew, from
///   25–33 °C, every 24 h of simulated time; outdoor humidity likewise from 30–80 %. Indoor
///   humidity drifts toward 45 % while cooling and toward the outdoor value (at most 65 %)
///   otherwise.
/// - Runtime hours accumulate while the unit is on (mode not `off`), as in the training data,
///   where a unit whose compressor was idle still counted its first hour. The filter is
///   `Needs Cleaning` 500 runtime hours after it was last cleaned and `Replace` after 1000.
/// - Faults: E1 (`high_temperature`) makes the indoor temperature read 5–10 °C above the room's,
///   rising within minutes; E2 (`low_pressure`) brings the pressure to 50–60 PSI within minutes
///   and halves the cooling; E3 (`compressor_failure`) keeps the compressor off, so power is 0 W.
///   One fault at a time; `clear_fault` returns to `None` and the readings recover.
public struct AirconModel: Sendable, Hashable {
    // MARK: Constants

    /// The longest step of the integration; a longer ``advance(by:rng:)`` is taken in steps of this size.
    public static let maximumStep: Double = 30
    /// Half the thermostat's dead band, in °C.
    public static let thermostatHysteresis = 0.5
    /// The cooling of a healthy compressor in normal mode, in °C per hour.
    public static let coolingRatePerHour = 8.0
    /// The time constant of heat gain from outdoors, in seconds.
    public static let insulationTimeConstant: Double = 3 * 3600
    /// The share of its cooling the compressor delivers in abnormal wattage mode.
    public static let abnormalCoolingFactor = 0.4
    /// The share of its cooling the compressor delivers with low refrigerant pressure (E2).
    public static let lowPressureCoolingFactor = 0.5
    /// The power ratings a unit is given at random, in W.
    public static let ratedPowers = [840, 880, 920]
    /// The power drawn in abnormal wattage mode while the compressor runs, in W.
    public static let abnormalPowerRange = 1250...1800
    /// The fan speed while the compressor runs, in rpm.
    public static let runningFanSpeedRange = 1000...1500
    /// The fan speed while the unit is on and the compressor idles, in rpm.
    public static let idleFanSpeedRange = 500...700
    /// The nominal refrigerant pressures a unit is given at random, in PSI.
    public static let nominalPressureRange = 150.0...240.0
    /// The bounds of the refrigerant pressure, in PSI.
    public static let pressureBounds = 50.0...300.0
    /// The time constant with which the pressure returns to nominal, in seconds.
    public static let pressureTimeConstant: Double = 1800
    /// The pressure under a low-pressure fault (E2), in PSI.
    public static let lowPressureRange = 50.0...60.0
    /// How far above the room's temperature the indoor reading goes under a high-temperature fault (E1), in °C.
    public static let highTemperatureExcessRange = 5.0...10.0
    /// The time constant with which a fault's effect appears and, once cleared, fades, in seconds.
    public static let faultTimeConstant: Double = 60
    /// How often a new outdoor target is drawn, in simulated seconds.
    public static let outdoorTargetPeriod: Double = 86_400
    /// The outdoor temperature targets, in °C.
    public static let outdoorTargetRange = 25.0...33.0
    /// The outdoor humidity targets, in percent.
    public static let outdoorHumidityRange = 30.0...80.0
    /// The time constant of outdoor drift, in seconds.
    public static let outdoorTimeConstant: Double = 3 * 3600
    /// The time constant of indoor humidity, in seconds.
    public static let humidityTimeConstant: Double = 3600
    /// The runtime hours after cleaning at which the filter needs cleaning.
    public static let filterCleaningHours = 500.0
    /// The runtime hours after cleaning at which the filter needs replacing.
    public static let filterReplacementHours = 1000.0

    // MARK: State

    /// The device name, the first field of every reading.
    public let deviceName: String
    /// The unit's rated compressor power, in W.
    public let ratedPower: Int
    /// The refrigerant pressure the unit returns to, in PSI.
    public let nominalPressure: Double
    /// The operating mode.
    public private(set) var mode: AirconMode
    /// The setpoint, in °C.
    public private(set) var setpointTemperature: Int
    /// The room's temperature, which the thermostat acts on, in °C.
    public private(set) var indoorTemperature: Double
    /// What a high-temperature fault adds to the indoor reading, in °C.
    public private(set) var temperatureFaultExcess: Double = 0
    /// The outdoor temperature, in °C.
    public private(set) var outdoorTemperature: Double
    /// The temperature the outdoor temperature drifts toward, in °C.
    public private(set) var outdoorTargetTemperature: Double
    /// The indoor relative humidity, in percent.
    public private(set) var indoorHumidity: Double
    /// The outdoor relative humidity, in percent.
    public private(set) var outdoorHumidity: Double
    /// The humidity the outdoor humidity drifts toward, in percent.
    public private(set) var outdoorTargetHumidity: Double
    /// Whether the compressor runs.
    public private(set) var isCompressorOn = false
    /// The fan speed, in rpm.
    public private(set) var fanSpeed = 0
    /// The power drawn, in W.
    public private(set) var powerConsumption = 0
    /// The refrigerant pressure, in PSI.
    public private(set) var refrigerantPressure: Double
    /// The reported error code.
    public private(set) var errorCode = AirconErrorCode.none
    /// Normal or abnormal power draw.
    public private(set) var wattageMode = AirconWattageMode.normal
    /// Hours the unit has been on since the last ``AirconCommand/resetRuntime``.
    public private(set) var runtimeHours: Double = 0
    /// Runtime hours since the filter was last cleaned.
    public private(set) var filterHours: Double = 0
    /// Simulated seconds since the model was created.
    public private(set) var elapsedSeconds: Double = 0
    /// The value of ``elapsedSeconds`` at which the next outdoor target is drawn.
    public private(set) var nextOutdoorTargetChange = AirconModel.outdoorTargetPeriod
    /// How many outdoor targets have been drawn since the model was created (not counting the first).
    public private(set) var outdoorTargetChanges = 0

    private var temperatureFaultTarget = 0.0
    private var pressureFaultTarget = 0.0

    /// The indoor temperature the unit reports: the room's plus any high-temperature fault excess, in °C.
    public var measuredIndoorTemperature: Double { indoorTemperature + temperatureFaultExcess }

    /// The filter status, from the runtime hours since the filter was last cleaned.
    public var filterStatus: AirconFilterStatus {
        if filterHours >= Self.filterReplacementHours { return .replace }
        if filterHours >= Self.filterCleaningHours { return .needsCleaning }
        return .clean
    }

    // MARK: Creating

    /// Creates a unit in a given state; the fan and power follow from it.
    public init(
        deviceName: String, mode: AirconMode = .cool, setpointTemperature: Int = 24, indoorTemperature: Double = 26,
        outdoorTemperature: Double = 30, outdoorTargetTemperature: Double? = nil, indoorHumidity: Double = 50,
        outdoorHumidity: Double = 60, outdoorTargetHumidity: Double? = nil, ratedPower: Int = 880,
        nominalPressure: Double = 200, rng: inout some RandomNumberGenerator
    ) {
        self.deviceName = deviceName
        self.mode = mode
        self.setpointTemperature = setpointTemperature
        self.indoorTemperature = indoorTemperature
        self.outdoorTemperature = outdoorTemperature
        self.outdoorTargetTemperature = outdoorTargetTemperature ?? outdoorTemperature
        self.indoorHumidity = indoorHumidity
        self.outdoorHumidity = outdoorHumidity
        self.outdoorTargetHumidity = outdoorTargetHumidity ?? outdoorHumidity
        self.ratedPower = ratedPower
        self.nominalPressure = nominalPressure
        self.refrigerantPressure = nominalPressure
        isCompressorOn = mode == .cool && indoorTemperature > Double(setpointTemperature)
        updateCompressor()
        refreshOutputs(rng: &rng)
    }

    /// Creates a unit with a random starting state in the ranges of the reference's training data:
    /// setpoint 18–24 °C, room 2 °C below to 4 °C above it, outdoor 25–31 °C, and a random rating,
    /// nominal pressure and first outdoor target.
    public static func random(deviceName: String, rng: inout some RandomNumberGenerator) -> AirconModel {
        let setpoint = Int.random(in: 18...24, using: &rng)
        let indoor = Double(setpoint) + Double.random(in: -2...4, using: &rng)
        let outdoor = Double.random(in: 25...31, using: &rng)
        let outdoorTarget = Double.random(in: Self.outdoorTargetRange, using: &rng)
        let indoorHumidity = Double.random(in: 40...60, using: &rng)
        let outdoorHumidity = Double.random(in: 40...70, using: &rng)
        let outdoorTargetHumidity = Double.random(in: Self.outdoorHumidityRange, using: &rng)
        let rated = Self.ratedPowers[Int.random(in: 0..<Self.ratedPowers.count, using: &rng)]
        let pressure = Double.random(in: Self.nominalPressureRange, using: &rng)
        return AirconModel(
            deviceName: deviceName, setpointTemperature: setpoint, indoorTemperature: indoor,
            outdoorTemperature: outdoor, outdoorTargetTemperature: outdoorTarget, indoorHumidity: indoorHumidity,
            outdoorHumidity: outdoorHumidity, outdoorTargetHumidity: outdoorTargetHumidity, ratedPower: rated,
            nominalPressure: pressure, rng: &rng)
    }

    // MARK: Moving in time

    /// Moves the unit `seconds` of simulated time forward, in steps of at most ``maximumStep``.
    public mutating func advance(by seconds: Double, rng: inout some RandomNumberGenerator) {
        guard seconds.isFinite, seconds > 0 else { return }
        var remaining = seconds
        while remaining > 0 {
            let step = min(remaining, Self.maximumStep)
            remaining -= step
            self.step(step, rng: &rng)
        }
    }

    private mutating func step(_ dt: Double, rng: inout some RandomNumberGenerator) {
        elapsedSeconds += dt
        while elapsedSeconds >= nextOutdoorTargetChange {
            outdoorTargetTemperature = Double.random(in: Self.outdoorTargetRange, using: &rng)
            outdoorTargetHumidity = Double.random(in: Self.outdoorHumidityRange, using: &rng)
            nextOutdoorTargetChange += Self.outdoorTargetPeriod
            outdoorTargetChanges += 1
        }
        let outdoorShare = Self.share(dt, Self.outdoorTimeConstant)
        outdoorTemperature += (outdoorTargetTemperature - outdoorTemperature) * outdoorShare
        outdoorHumidity += (outdoorTargetHumidity - outdoorHumidity) * outdoorShare

        updateCompressor()
        var change = (outdoorTemperature - indoorTemperature) * Self.share(dt, Self.insulationTimeConstant)
        if isCompressorOn { change -= Self.coolingRatePerHour / 3600 * coolingFactor * dt }
        indoorTemperature += change
        updateCompressor()

        let humidityTarget = isCompressorOn ? 45 : min(outdoorHumidity, 65)
        indoorHumidity += (humidityTarget - indoorHumidity) * Self.share(dt, Self.humidityTimeConstant)

        let faultShare = Self.share(dt, Self.faultTimeConstant)
        let excessTarget = errorCode == .e1 ? temperatureFaultTarget : 0
        temperatureFaultExcess += (excessTarget - temperatureFaultExcess) * faultShare
        if errorCode == .e2 {
            refrigerantPressure += (pressureFaultTarget - refrigerantPressure) * faultShare
        } else {
            let walk = Double.random(in: -2...2, using: &rng) * (dt / 30).squareRoot()
            refrigerantPressure +=
                (nominalPressure - refrigerantPressure) * Self.share(dt, Self.pressureTimeConstant) + walk
            refrigerantPressure = min(
                max(refrigerantPressure, Self.pressureBounds.lowerBound), Self.pressureBounds.upperBound)
        }

        if mode != .off {
            runtimeHours += dt / 3600
            filterHours += dt / 3600
        }
        refreshOutputs(rng: &rng)
    }

    // MARK: Commands

    /// Applies a command. ``AirconCommand/disconnect`` concerns the connection, not the unit, and
    /// changes nothing here.
    public mutating func apply(_ command: AirconCommand, rng: inout some RandomNumberGenerator) {
        switch command {
        case .injectFault(let fault):
            guard errorCode != fault.errorCode else { return }
            errorCode = fault.errorCode
            switch fault {
            case .highTemperature:
                temperatureFaultTarget = Double.random(in: Self.highTemperatureExcessRange, using: &rng)
            case .lowPressure:
                pressureFaultTarget = Double.random(in: Self.lowPressureRange, using: &rng)
            case .compressorFailure:
                break
            }
        case .clearFault:
            errorCode = .none
        case .setWattageMode(let newMode):
            wattageMode = newMode
        case .updateFilterStatus(let status):
            guard status != filterStatus else { return }
            switch status {
            case .clean: filterHours = 0
            case .needsCleaning: filterHours = Self.filterCleaningHours
            case .replace: filterHours = Self.filterReplacementHours
            }
        case .resetRuntime:
            runtimeHours = 0
        case .setMode(let newMode):
            mode = newMode
        case .setSetpoint(let value):
            setpointTemperature = min(
                max(value, AirconCommand.setpointRange.lowerBound), AirconCommand.setpointRange.upperBound)
        case .disconnect:
            return
        }
        updateCompressor()
        refreshOutputs(rng: &rng)
    }

    // MARK: Describing

    /// The telemetry reading: the reference's fields in its order, numbers rounded to whole units
    /// as in the training data (runtime hours truncated), then `timestamp` in epoch seconds.
    public func reading(at timestamp: Double) -> JSONValue {
        let object: JSONObject = [
            "device_name": .string(deviceName),
            "indoor_temperature_c": .int(Self.rounded(measuredIndoorTemperature)),
            "outdoor_temperature_c": .int(Self.rounded(outdoorTemperature)),
            "setpoint_temperature_c": .int(Int64(setpointTemperature)),
            "mode": .string(mode.rawValue),
            "indoor_humidity_percent": .int(Self.rounded(indoorHumidity)),
            "outdoor_humidity_percent": .int(Self.rounded(outdoorHumidity)),
            "power_consumption_watts": .int(Int64(powerConsumption)),
            "compressor_status": .string(isCompressorOn ? "On" : "Off"),
            "fan_speed_rpm": .int(Int64(fanSpeed)),
            "refrigerant_pressure_psi": .int(Self.rounded(refrigerantPressure)),
            "error_code": .string(errorCode.rawValue),
            "filter_status": .string(filterStatus.rawValue),
            "runtime_hours": .int(Int64(runtimeHours.rounded(.down))),
            "timestamp": .double(timestamp),
        ]
        return .object(object)
    }

    /// The state a device reports to its shadow: the values a person or an agent may ask to change.
    /// Readings that move all the time (temperatures, power) are not in it.
    public var reportedState: JSONObject {
        [
            "mode": .string(mode.rawValue),
            "setpoint_temperature_c": .int(Int64(setpointTemperature)),
            "error_code": .string(errorCode.rawValue),
            "filter_status": .string(filterStatus.rawValue),
            "wattage_mode": .string(wattageMode.rawValue),
        ]
    }

    // MARK: Internals

    private var coolingFactor: Double {
        var factor = 1.0
        if wattageMode == .abnormal { factor *= Self.abnormalCoolingFactor }
        if errorCode == .e2 { factor *= Self.lowPressureCoolingFactor }
        return factor
    }

    private mutating func updateCompressor() {
        guard mode == .cool, errorCode != .e3 else {
            isCompressorOn = false
            return
        }
        if wattageMode == .abnormal {
            isCompressorOn = true
        } else if indoorTemperature > Double(setpointTemperature) + Self.thermostatHysteresis {
            isCompressorOn = true
        } else if indoorTemperature < Double(setpointTemperature) - Self.thermostatHysteresis {
            isCompressorOn = false
        }
    }

    private mutating func refreshOutputs(rng: inout some RandomNumberGenerator) {
        if mode == .off {
            fanSpeed = 0
        } else if isCompressorOn {
            fanSpeed = Int.random(in: Self.runningFanSpeedRange, using: &rng)
        } else {
            fanSpeed = Int.random(in: Self.idleFanSpeedRange, using: &rng)
        }
        if !isCompressorOn {
            powerConsumption = 0
        } else if wattageMode == .abnormal {
            powerConsumption = Int.random(in: Self.abnormalPowerRange, using: &rng)
        } else {
            powerConsumption = ratedPower
        }
    }

    /// The share of the way to its target that a first-order quantity covers in `dt`.
    private static func share(_ dt: Double, _ timeConstant: Double) -> Double {
        1 - exp(-dt / timeConstant)
    }

    private static func rounded(_ value: Double) -> Int64 {
        guard value.isFinite else { return 0 }
        return Int64(value.rounded())
    }
}
