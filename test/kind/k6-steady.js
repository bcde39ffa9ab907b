// Steady load for the disruption steps of the kind end-to-end test (an upgrade, a deleted API pod):
// a constant request rate against the API Service for DURATION, as the demo owner. The test
// changes the cluster while it runs; the thresholds say how many requests may fail meanwhile.
//
//   k6 run -e BASE_URL=http://ternant:3000 -e DURATION=120s -e MAX_FAILED=0 k6-steady.js
//
// MAX_FAILED is the largest accepted share of failed requests (0: none may fail).
import http from 'k6/http';
import { check } from 'k6';

const BASE_URL = __ENV.BASE_URL || 'http://localhost:3000';
const EMAIL = __ENV.EMAIL || 'owner@sunrise-pm.com';
const PASSWORD = __ENV.PASSWORD || 'Password123!';
const MAX_FAILED = Number(__ENV.MAX_FAILED || '0');

export const options = {
  scenarios: {
    steady: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || '20'),
      timeUnit: '1s',
      duration: __ENV.DURATION || '120s',
      preAllocatedVUs: 20,
      maxVUs: 100,
    },
  },
  thresholds: {
    http_req_failed: [MAX_FAILED > 0 ? `rate<${MAX_FAILED}` : 'rate==0'],
    checks: [MAX_FAILED > 0 ? `rate>${1 - MAX_FAILED}` : 'rate==1'],
  },
};

export function setup() {
  const res = http.post(`${BASE_URL}/api/v1/auth/login`, JSON.stringify({ email: EMAIL, password: PASSWORD }), {
    headers: { 'Content-Type': 'application/json' },
  });
  if (!check(res, { 'login 200': (r) => r.status === 200 })) {
    throw new Error(`login failed: ${res.status} ${res.body}`);
  }
  return { token: res.json('tokens.accessToken') };
}

export default function (data) {
  const res = http.get(`${BASE_URL}/api/v1/dashboard/stats`, { headers: { Authorization: `Bearer ${data.token}` } });
  check(res, { 'stats 200': (r) => r.status === 200 });
}
