/// The reference's troubleshooting guide, the knowledge base `onecall demo` starts with (demo
/// data like the reference devices: a server's knowledge base is whatever `onecall kb add` puts in
/// it).
public enum ReferenceGuide {
    public static let fileName = "troubleshooting-guide.md"

    public static let markdown = #"""
        # Air conditioner fault codes

        A unit that runs normally reports `"error_code": "None"` in every telemetry message.
        Each section below covers one code: what the fault is, what it does to the unit,
        how a technician troubleshoots it, and which actions the system takes on its own.
        The actions are listed in order; nothing outside the list is done.

        ## Error Code: E1
        Fault type: high_temperature
        Severity: medium
        Effect on the unit: the indoor temperature rises sharply, 5 to 10 °C above normal.
        Troubleshooting steps: 1. Check that the compressor runs. 2. Check the refrigerant pressure. 3. Inspect the filter and make sure air flows freely.
        Actions: 1. Log a ticket. No further action.

        ## Error Code: E2
        Fault type: low_pressure
        Severity: medium
        Effect on the unit: the refrigerant pressure falls toward the lower limit (50 to 60 PSI).
        Troubleshooting steps: 1. Look for refrigerant leaks. 2. Check that the refrigerant charge is right. 3. Listen to the compressor for unusual noise or vibration.
        Actions: 1. Log a ticket. 2. Clear the fault on the device. No further action.

        ## Error Code: E3
        Fault type: compressor_failure
        Severity: high
        Effect on the unit: the compressor stays off and power consumption drops to 0 W.
        Troubleshooting steps: 1. Check the power supply to the compressor. 2. Measure the compressor windings' resistance. 3. Test the capacitor and the relay.
        Actions: 1. Log a ticket. 2. Call the site operator. No further action.

        ## Error Code: W1
        Fault type: high_electricity_consumption
        Severity: high
        Effect on the unit: a warning raised by anomaly detection when power consumption stays abnormally high (above about 1200 W) for a sustained share of the evaluation period.
        Troubleshooting steps: 1. Check the thermostat settings. 2. Clean or replace the air filters. 3. Inspect and seal the ductwork. 4. Clean the evaporator and condenser coils. 5. Look for refrigerant leaks.
        Actions: 1. Log a ticket. 2. Call the site operator. No further action.
        """#
}
