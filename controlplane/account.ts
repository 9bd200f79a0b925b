/** The simulated account's UID, for `{{ACS::AccountId}}` (CASIM_ACCOUNT_ID overrides it). */
export const ACCOUNT_ID = process.env.CASIM_ACCOUNT_ID ?? '1234567890123456';
