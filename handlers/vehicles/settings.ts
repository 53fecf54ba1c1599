import { defineSettings, intIn, intList, phoneList } from '../../src/core/settings.ts';

/** Permits, odometer checks, accidents, inspections and maintenance of company vehicles (§3.4). */
export const vehicleSettings = defineSettings(
  'vehicles',
  {
    VEHICLE_PERMIT_REMIND_DAYS: intList(1, 365, '30,7', '30,7'),
    VEHICLE_ODOMETER_GAP_KM: intIn(0, 10_000, 10),
    VEHICLE_ACCIDENT_ACK_MINUTES: intIn(1, 24 * 60, 15),
    VEHICLE_INSPECTION_DAY: intIn(1, 28, 25),
    VEHICLE_INSPECTION_LATE_MONTHS: intIn(1, 12, 3),
    VEHICLE_MAINTENANCE_EVERY_KM: intIn(500, 100_000, 5000),
    VEHICLE_MAINTENANCE_EVERY_MONTHS: intIn(1, 36, 6),
    VEHICLE_ESCALATE_PHONES: phoneList,
    VEHICLE_SHUTTLE_MARGIN_MINUTES: intIn(1, 240, 15),
    VEHICLE_COST_PER_KM_FACTOR: intIn(1, 100, 3),
    VEHICLE_COST_PER_KM_FLOOR_YUAN: intIn(0, 1000, 2),
    VEHICLE_COST_ALLOWANCE_YUAN: intIn(0, 100_000, 500),
  },
  (c) => ({
    /** 综合部 is reminded this many days before a permit expires, once per number (§3.4.1). */
    permitRemindDays: c.VEHICLE_PERMIT_REMIND_DAYS,
    /** A trip starting more than this many km past the last recorded end is flagged (§3.4.5). */
    odometerGapKm: c.VEHICLE_ODOMETER_GAP_KM,
    /** An accident nobody in 人防部 acknowledged within this many minutes is sent again (§3.4.4). */
    accidentAckMinutes: c.VEHICLE_ACCIDENT_ACK_MINUTES,
    /** Day of the month 综合部 is reminded of the monthly inspection (§3.4.6). */
    inspectionDay: c.VEHICLE_INSPECTION_DAY,
    /** A missed month's inspection may be recorded late (补录) this many months back (§3.4.6). */
    inspectionLateMonths: c.VEHICLE_INSPECTION_LATE_MONTHS,
    /** Maintenance is due after this many km or months since the last one, whichever first (§3.4.5). */
    maintenanceEveryKm: c.VEHICLE_MAINTENANCE_EVERY_KM,
    maintenanceEveryMonths: c.VEHICLE_MAINTENANCE_EVERY_MONTHS,
    /** Who hears of vehicles not inspected by month end; empty = every 董事长. */
    escalatePhones: c.VEHICLE_ESCALATE_PHONES,
    /** A shuttle run not marked done this long after its time reminds the driver; twice this long, 综合部 (§3.4.3). */
    shuttleMarginMinutes: c.VEHICLE_SHUTTLE_MARGIN_MINUTES,
    /**
     * §3.4.5 a trip's costs above allowance + km × max(usual cost per km × factor, floor) wait for
     * 综合部 before they can be claimed (implausibleTripCost).
     */
    costBound: {
      factor: c.VEHICLE_COST_PER_KM_FACTOR,
      floorPerKmFen: c.VEHICLE_COST_PER_KM_FLOOR_YUAN * 100,
      allowanceFen: c.VEHICLE_COST_ALLOWANCE_YUAN * 100,
    },
  }),
);
export type VehicleSettings = ReturnType<typeof vehicleSettings.of>;
