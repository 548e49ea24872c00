import { requireRole } from '$lib/server/http/staff';

/** The directory pages are for administrators who passed both sign-in factors (the shared guard; 403 otherwise). */
export const requireAdmin = (locals: App.Locals) => requireRole(locals, 'admin');
