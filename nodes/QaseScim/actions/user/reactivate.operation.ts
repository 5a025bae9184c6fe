import { setActiveOperation } from './setActive';

/** Sets a deactivated user active again. */
export const { description, execute } = setActiveOperation('reactivate', true);
