import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/** 'held' by an issuance in flight (until expiresAt), or 'free': given back, taken next. */
export type ReservationStatus = 'held' | 'free';

/**
 * A number of a register taken but not yet written on a document (number-reservations.ts). A
 * committed issuance deletes its row; every number up to the register's lastNumber is thus on a
 * document, held by an issuance in flight, or free for the next one.
 */
export class NumberReservation extends Model<
  InferAttributes<NumberReservation>,
  InferCreationAttributes<NumberReservation>
> {
  declare id: CreationOptional<number>;
  declare registerId: number;
  declare number: number;
  declare status: ReservationStatus;
  declare token: string | null;
  declare documentKind: string | null;
  declare documentId: number | null;
  declare expiresAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    NumberReservation.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        registerId: { type: DataTypes.INTEGER, allowNull: false },
        number: { type: DataTypes.INTEGER, allowNull: false },
        status: { type: DataTypes.STRING(10), allowNull: false },
        token: { type: DataTypes.STRING(36), allowNull: true },
        documentKind: { type: DataTypes.STRING(20), allowNull: true },
        documentId: { type: DataTypes.INTEGER, allowNull: true },
        expiresAt: { type: DataTypes.DATE(3), allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'number_reservations' },
    );
  }
}
