/// A fault that can be injected into a simulated unit, named as in the `inject_fault` command.
public enum AirconFault: String, Sendable, Hashable, CaseIterable {
    /// E1: the indoor temperature reads 5 to 10 °C above what it would be.
    case highTemperature = "high_temperature"
    /// E2: the refrigerant pressure falls to 50–60 PSI and the unit cools at half its capacity.
    case lowPressure = "low_pressure"
    /// E3: the compressor stays off and the unit draws 0 W.
    case compressorFailure = "compressor_failure"

    /// The error code the unit reports while it has this fault.
    public var errorCode: AirconErrorCode {
        switch self {
        case .highTemperature: .e1
        case .lowPressure: .e2
        case .compressorFailure: .e3
        }
    }
}
