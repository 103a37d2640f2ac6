/// What the unit is set to do: the `mode` field of a reading and of the shadow.
public enum AirconMode: String, Sendable, Hashable, CaseIterable {
    /// The thermostat runs the compressor to hold the setpoint.
    case cool
    /// The unit is off: no compressor, no fan, no runtime.
    case off
    /// Only the fan runs; the compressor stays off.
    case fanOnly = "fan_only"
}
