import type { Workflow } from '../../src/core/workflow.ts';
import { claimChecks, claimHolds } from '../reimbursements/api.ts';
import {
  accidentForm,
  acknowledgeAccident,
  attachAccidentPhoto,
  closeAccident,
  instructAccident,
  reportAccident,
  showAccident,
  wantsAccidentPhoto,
} from './accidents.ts';
import { drives, drivesOrManages, holdsValidPermit, onTrip, seesAccidents } from './availability.ts';
import { claimTrip, confirmTripCosts, tripCostCheck, tripHolds } from './claim.ts';
import { backfillTripDays } from './days.ts';
import { fillDriverKeysInBackground } from './driver-keys.ts';
import { vehicleExports } from './exports.ts';
import { inspectForm, inspectionStatus, inspectVehicle, recordMaintenance } from './inspections.ts';
import { vehicleModels } from './models.ts';
import { issuePermit, listPermits, permitForm, revokePermit } from './permits.ts';
import {
  listVehicles,
  registerVehicle,
  registerVehicleForm,
  retireVehicle,
  setDrivers,
  showVehicle,
  vehicleHoldings,
} from './registry.ts';
import { ACCIDENT_HANDLERS, MANAGERS, PERMIT_ISSUERS, VIEWERS } from './rules.ts';
import { vehicleSearch } from './search.ts';
import { vehicleSettings } from './settings.ts';
import { addShuttle, listShuttles, markShuttleDone, removeShuttle } from './shuttle.ts';
import { endTrip, endTripForm } from './trip-end.ts';
import { listTrips, startTrip, startTripForm } from './trips.ts';
import { vehiclesWeekly } from './weekly.ts';

/**
 * 车辆管理 (§3.4): the registry and driving permits (§3.4.1), trips only for permit holders (§3.4.2)
 * with odometer and costs turned into §3.5 claims (§3.4.5), accidents reported to 人防部 (§3.4.4),
 * 综合部's monthly inspection (§3.4.6), and fixed shuttle runs (§3.4.3). Reminders and escalations are in schedules/vehicles.ts.
 */
export const vehicles: Workflow = {
  name: 'vehicles',
  title: '车辆管理',
  topic: '车辆',
  forms: [registerVehicleForm, permitForm, startTripForm, endTripForm, accidentForm, inspectForm],
  models: vehicleModels,
  settings: vehicleSettings,
  staffHoldings: vehicleHoldings,
  // trip costs become §3.5 claims (出车报销): every claim's vehicle cost names a trip, within what it
  // recorded, and the claim holds that trip so no other claim can carry its costs (§3.4.5)
  requires: ['reimbursements'],
  extends: [claimChecks.with(tripCostCheck), claimHolds.with(tripHolds)],
  // a picture right after 事故报备 is a photo of the accident (§3.4.4); any other goes on to reimbursements
  attachment: { allow: 'staff', wants: wantsAccidentPhoto, attach: attachAccidentPhoto },
  // trips ended before the day keys (周报) existed get them once
  start: async (services) => {
    await backfillTripDays(services.config.timezone);
    // 查找's keys to each driver's trips (driver-keys.ts)
    fillDriverKeysInBackground((err) => services.onError(err, { what: 'driver keys backfill failed' }));
  },
  commands: [
    {
      name: 'vehicles.trip.start',
      rank: 1,
      available: holdsValidPermit,
      words: ['出车', 'tripstart'],
      allow: 'staff',
      summary: '出车登记：持准驾证才能出车，记录起始里程、用途、路线（§3.4.2、§3.4.5）',
      example: '出车 粤B12345',
      handler: startTrip,
    },
    {
      name: 'vehicles.trip.end',
      rank: 1,
      available: onTrip,
      words: ['收车', 'tripend'],
      allow: 'staff',
      summary: '收车登记：收车里程，油费、过路费、停车费、维修费',
      example: '收车',
      handler: endTrip,
    },
    {
      name: 'vehicles.trip.claim',
      rank: 2,
      available: drives,
      words: ['出车报销', 'tripclaim'],
      allow: 'staff',
      summary: '把一次出车的费用放进报销草稿，按报销流程审批',
      example: '出车报销 CL-20261127-001',
      handler: claimTrip,
    },
    {
      name: 'vehicles.trip.confirmCosts',
      rank: 2,
      words: ['确认费用', 'confirmcosts'],
      allow: MANAGERS,
      summary: '确认远超该车往常的出车费用（核实票据后），司机才能报销（§3.4.5）',
      example: '确认费用 CL-20261127-001',
      handler: confirmTripCosts,
    },
    {
      name: 'vehicles.trip.list',
      rank: 2,
      available: drivesOrManages,
      words: ['出车记录', 'trips'],
      allow: 'staff',
      summary: '查看出车记录（自己的；综合部可按车牌查）',
      example: '出车记录 粤B12345',
      handler: listTrips,
    },
    {
      name: 'vehicles.accident.report',
      rank: 2,
      available: drives,
      words: ['事故报备', 'accident'],
      allow: 'staff',
      summary: '交通事故第一时间报备人防部（§3.4.4）',
      example: '事故报备',
      handler: reportAccident,
    },
    {
      name: 'vehicles.accident.ack',
      rank: 1,
      words: ['已知悉', 'ackaccident'],
      allow: ['guard_ops'],
      summary: '人防部确认已知悉事故',
      example: '已知悉 SG-20261127-001',
      handler: acknowledgeAccident,
    },
    {
      name: 'vehicles.accident.instruct',
      rank: 1,
      words: ['事故指示', 'instruct'],
      allow: ACCIDENT_HANDLERS,
      summary: '记录对事故的处理指示并转告司机',
      example: '事故指示 SG-20261127-001 先报警拍照，等保险公司',
      handler: instructAccident,
    },
    {
      name: 'vehicles.accident.close',
      rank: 2,
      words: ['事故结果', 'closeaccident'],
      allow: ['guard_ops', 'general_affairs'],
      summary: '记录事故处理结果并结案',
      example: '事故结果 SG-20261127-001 对方全责，已理赔',
      handler: closeAccident,
    },
    {
      name: 'vehicles.accident.show',
      rank: 3,
      available: seesAccidents,
      words: ['事故', 'accidents'],
      allow: 'staff',
      summary: '查看事故记录（不带编号：未结案的事故）',
      example: '事故 SG-20261127-001',
      handler: showAccident,
    },
    {
      name: 'vehicles.register',
      words: ['登记车辆', 'addvehicle'],
      allow: MANAGERS,
      summary: '登记公司车辆：车牌、车型、驻点、指定司机、里程（§3.4.1）',
      example: '登记车辆',
      handler: registerVehicle,
    },
    {
      name: 'vehicles.show',
      rank: 2,
      words: ['车辆', 'vehicle'],
      allow: VIEWERS,
      summary: '查看一辆车：司机、里程、保养、准驾人员',
      example: '车辆 粤B12345',
      handler: showVehicle,
    },
    {
      name: 'vehicles.list',
      rank: 3,
      words: ['车辆列表', 'vehicles'],
      allow: VIEWERS,
      summary: '列出公司车辆',
      example: '车辆列表',
      handler: listVehicles,
    },
    {
      name: 'vehicles.drivers',
      words: ['指定司机', 'setdrivers'],
      allow: MANAGERS,
      summary: '设置车辆的指定司机（专人驾车，§3.4.1）',
      example: '指定司机 粤B12345 张三、李四',
      handler: setDrivers,
    },
    {
      name: 'vehicles.retire',
      words: ['停用车辆', 'retirevehicle'],
      allow: MANAGERS,
      summary: '停用已出售或报废的车辆（须写原因；记录保留）',
      example: '停用车辆 粤B12345 已报废',
      handler: retireVehicle,
    },
    {
      name: 'vehicles.permit.issue',
      rank: 3,
      words: ['发准驾证', 'issuepermit'],
      allow: PERMIT_ISSUERS,
      summary:
        '考核通过后发放准驾证：证号、考核日期、有效期、考核人（§3.4.1）；不能发给自己，综合部本人的由其他综合部人员或董事长发',
      example: '发准驾证',
      handler: issuePermit,
    },
    {
      name: 'vehicles.permit.revoke',
      words: ['吊销准驾证', 'revokepermit'],
      allow: MANAGERS,
      summary: '吊销准驾证（须写原因）',
      example: '吊销准驾证 ZJ-2026-001 将车交给无证人员',
      handler: revokePermit,
    },
    {
      name: 'vehicles.permit.list',
      rank: 3,
      available: drivesOrManages,
      words: ['准驾证', 'permits'],
      allow: 'staff',
      summary: '查看准驾证（综合部：全部在册；其他人：自己的）',
      example: '准驾证',
      handler: listPermits,
    },
    {
      name: 'vehicles.inspect',
      rank: 2,
      words: ['车辆检查', 'inspect'],
      allow: MANAGERS,
      summary: '记录月度检查：使用情况、安全性能、车况（§3.4.6）',
      example: '车辆检查 粤B12345',
      handler: inspectVehicle,
    },
    {
      name: 'vehicles.inspect.status',
      rank: 2,
      words: ['检查情况', 'inspections'],
      allow: VIEWERS,
      summary: '本月（或指定月份）哪些车辆已检查、哪些未检查',
      example: '检查情况 2026-11',
      handler: inspectionStatus,
    },
    {
      name: 'vehicles.shuttle.add',
      words: ['设置班车', 'addshuttle'],
      allow: MANAGERS,
      summary: '设置每天固定的班车：车牌、发车时间、路线（§3.4.3）',
      example: '设置班车 粤B12345 07:30 宿舍→万达广场',
      handler: addShuttle,
    },
    {
      name: 'vehicles.shuttle.remove',
      words: ['取消班车', 'removeshuttle'],
      allow: MANAGERS,
      summary: '取消一趟班车',
      example: '取消班车 BC1',
      handler: removeShuttle,
    },
    {
      name: 'vehicles.shuttle.list',
      rank: 2,
      words: ['班车', 'shuttles'],
      allow: 'staff',
      summary: '今天的班车和完成情况',
      example: '班车',
      handler: listShuttles,
    },
    {
      name: 'vehicles.shuttle.done',
      rank: 1,
      available: drives,
      words: ['班车完成', 'shuttledone'],
      allow: 'staff',
      summary: '司机确认一趟班车已完成',
      example: '班车完成 BC1',
      handler: markShuttleDone,
    },
    {
      name: 'vehicles.maintain',
      rank: 3,
      words: ['保养', 'maintain'],
      allow: ['general_affairs', 'driver'],
      summary: '记录车辆保养（按日期或里程提醒下次保养）',
      example: '保养 粤B12345 15000',
      handler: recordMaintenance,
    },
  ],
  actions: [
    { action: 'vehicles.claimTrip', allow: 'staff', handler: claimTrip },
    { action: 'vehicles.confirmCosts', allow: MANAGERS, handler: confirmTripCosts },
    { action: 'vehicles.accidentAck', allow: ['guard_ops'], handler: acknowledgeAccident },
    { action: 'vehicles.shuttleDone', allow: 'staff', handler: markShuttleDone },
  ],
  reporting: { exports: vehicleExports, search: vehicleSearch, weekly: vehiclesWeekly },
};
