import { setActiveOperation } from './setActive';

/** Sets the user inactive (Okta's de-provisioning for Qase): the account and its history stay. */
export const { description, execute } = setActiveOperation('deactivate', false);
