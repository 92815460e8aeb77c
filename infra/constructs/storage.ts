/**
 * The DynamoDB tables, built from the one table spec the stores and the local
 * runtime use (functions/adapters/dynamo/tables.ts), so keys and indexes cannot drift.
 */
import { RemovalPolicy, aws_dynamodb as dynamodb } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { type IndexProjection, type KeyAttribute, TABLES, type TableKey, type TableSpec } from '../../functions/adapters/dynamo/tables';

const attribute = (key: KeyAttribute): dynamodb.Attribute => ({
  name: key.name,
  type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
});

const PROJECTION: Record<IndexProjection, dynamodb.ProjectionType> = {
  KEYS_ONLY: dynamodb.ProjectionType.KEYS_ONLY,
  ALL: dynamodb.ProjectionType.ALL,
};

export class Storage extends Construct {
  readonly tables: Record<TableKey, dynamodb.Table>;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const build = (key: TableKey): dynamodb.Table => {
      const spec: TableSpec = TABLES[key];
      const table = new dynamodb.Table(this, `${key[0]!.toUpperCase()}${key.slice(1)}Table`, {
        partitionKey: attribute(spec.partitionKey),
        ...(spec.sortKey ? { sortKey: attribute(spec.sortKey) } : {}),
        ...(spec.ttlAttribute ? { timeToLiveAttribute: spec.ttlAttribute } : {}),
        // Traffic follows users' schedules, spiky at dispatch: on-demand, nothing to size.
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        // Encrypted tokens and passwords live here: KMS (aws/dynamodb), with CloudTrail-visible key use.
        encryption: dynamodb.TableEncryption.AWS_MANAGED,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        // User data outlives a stack delete or a replaced resource; deleting it is a decision, not a side effect.
        removalPolicy: RemovalPolicy.RETAIN,
        deletionProtection: true,
      });
      for (const index of spec.globalIndexes ?? []) {
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: attribute(index.partitionKey),
          sortKey: attribute(index.sortKey),
          projectionType: PROJECTION[index.projection],
        });
      }
      for (const index of spec.localIndexes ?? []) {
        table.addLocalSecondaryIndex({ indexName: index.name, sortKey: attribute(index.sortKey), projectionType: PROJECTION[index.projection] });
      }
      return table;
    };
    this.tables = { connections: build('connections'), data: build('data'), attempts: build('attempts'), events: build('events') };
  }

  /** Every table's name under the variable the functions read it from (ENV / TABLES.*.envVar). */
  tableEnvironment(): Record<string, string> {
    return Object.fromEntries(
      (Object.keys(TABLES) as TableKey[]).map((key) => [TABLES[key].envVar, this.tables[key].tableName]),
    );
  }
}
