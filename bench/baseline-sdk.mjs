// Baseline for the start-up benchmark: sends one signed share request
// (POST /v1/cloudimages/members with X-Project-Id) with the official Node.js
// SDK core, @huaweicloud/huaweicloud-sdk-core. HcClient, DefaultHttpClient
// and BasicCredentials are the classes that generated service clients, such
// as ImsClient of @huaweicloud/huaweicloud-sdk-ims, build on: BasicCredentials
// signs with AKSKSigner and adds X-Project-Id, and DefaultHttpClient sends
// with axios.
//
// NOTE: the SDK's ClientBuilder is not used because, in version 3.1.211, it
// loads http/DefaultUserAgent.js, which requires the package `uuid` that the
// SDK does not declare as a dependency, so it fails with MODULE_NOT_FOUND
// here. The constructor calls below are the ones ClientBuilder.build makes.
//
// Environment: BENCH_ENDPOINT, BENCH_AK, BENCH_SK, BENCH_PROJECT_ID and
// BENCH_BODY (the JSON body). Exits 0 after a 2xx response, 1 otherwise;
// a BENCH_BODY that is not JSON fails before any request, which is the
// baseline's counterpart of the action's input validation.

import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core';
import { HcClient } from '@huaweicloud/huaweicloud-sdk-core/HcClient.js';
import { DefaultHttpClient } from '@huaweicloud/huaweicloud-sdk-core/http/DefaultHttpClient.js';

const env = process.env;
let body;
try {
  body = JSON.parse(env.BENCH_BODY ?? '');
} catch (error) {
  console.error(`BENCH_BODY is not JSON: ${error.message}`);
  process.exit(1);
}
const credentials = new BasicCredentials()
  .withAk(env.BENCH_AK ?? '')
  .withSk(env.BENCH_SK ?? '')
  .withProjectId(env.BENCH_PROJECT_ID ?? '');
const endpoints = [env.BENCH_ENDPOINT ?? ''];
const client = new HcClient(new DefaultHttpClient({}, endpoints))
  .withCredential(credentials)
  .withEndpoints(endpoints);

try {
  const response = await client.sendRequest({
    method: 'POST',
    url: '/v1/cloudimages/members',
    contentType: 'application/json',
    pathParams: {},
    queryParams: {},
    headers: {},
    data: body,
  });
  console.log(`job_id ${response.job_id}`);
} catch (error) {
  console.error(`Share request failed: ${JSON.stringify(error)}`);
  process.exitCode = 1;
}
