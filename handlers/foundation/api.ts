/*
 * What other workflows may use of the foundation (help, binding, staff): finding a staff member for
 * an admin command and showing their card. Everything else in this folder is its own.
 */
export { findStaffForAdmin, type StaffLean, staffCard } from './staff.ts';
