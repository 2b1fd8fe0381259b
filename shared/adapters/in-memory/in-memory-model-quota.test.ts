import { describeModelQuotaContract } from '../../testing/model-quota-contract.ts';
import { InMemoryModelQuota } from './in-memory-model-quota.ts';

describeModelQuotaContract('in-memory', (quotas) => new InMemoryModelQuota(quotas));
