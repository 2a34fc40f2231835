/** Every risk rule off (0): tests send and grab far past daily habits; a test turns one on. */
export const RISK_RULES_OFF: Record<string, string> = {
  RISK_DAILY_MAX_SENDS: '0',
  RISK_DAILY_MAX_SENT_FEN: '0',
  RISK_DAILY_MAX_RECEIVED_FEN: '0',
  RISK_DAILY_MAX_RAIN_FEN: '0',
  RISK_VERIFY_AFTER_SENDS: '0',
  RISK_BREAKER_REPEAT: '0',
  RISK_GRAB_FAIL_MAX: '0',
  RISK_MAX_ACCOUNTS_PER_IP: '0',
};
