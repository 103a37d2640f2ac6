/// The strongest evidence found in a reading so far: which detector, which field, how surprising (in
/// nats, `-ln p`), and the numbers its explanation needs. Text is only made for the final winner.
struct MetricFinding: Sendable, Hashable {
    /// Which detector found it.
    enum Kind: Sendable, Hashable {
        /// A value beyond the envelope of usual values.
        case level
        /// A short-term mean away from the learned location (level shift, slow drift).
        case drift
        /// A usually changing value that stays the same for far longer than usual.
        case frozen
        /// A number jumping between its extremes more often than usual.
        case numberToggling
        /// A word field changing state more often than usual.
        case wordToggling
        /// A word field whose states last much shorter than usual.
        case shortStates
        /// A word value not seen before on this device.
        case novelWord
    }

    /// The evidence, in nats.
    var surprise = 0.0
    /// The detector.
    var kind = Kind.level
    /// The index of the numeric or word field.
    var field = 0
    /// The reading's value of the field.
    var value = 0.0
    /// The lower end of the expected range.
    var low = 0.0
    /// The upper end of the expected range.
    var high = 0.0
    /// Detector-specific: the trend per reading (drift), the readings without change (frozen), the
    /// events in the short-term window (toggling).
    var detail = 0.0
    /// Detector-specific: the short-term mean (drift), the usual share of changing readings (frozen),
    /// the usual events in the short-term window (toggling).
    var usual = 0.0
    /// Whether the baseline was the reading's context's rather than the device's overall one.
    var inContext = false
}
