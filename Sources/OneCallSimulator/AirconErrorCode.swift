/// The `error_code` a unit reports: `None` while it runs normally, otherwise the code of its fault.
public enum AirconErrorCode: String, Sendable, Hashable, CaseIterable {
    /// No fault.
    case none = "None"
    /// High temperature.
    case e1 = "E1"
    /// Low refrigerant pressure.
    case e2 = "E2"
    /// Compressor failure.
    case e3 = "E3"

    /// The fault this code stands for, or `nil` for `None`.
    public var fault: AirconFault? {
        switch self {
        case .none: nil
        case .e1: .highTemperature
        case .e2: .lowPressure
        case .e3: .compressorFailure
        }
    }
}
