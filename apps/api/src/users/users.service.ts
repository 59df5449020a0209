import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '@mld/contracts';
import { DataSource, Repository, type EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/uuid.js';
import { PasswordHasher } from '../auth/password-hasher.js';
import { UserEntity } from './user.entity.js';

@Injectable()
export class UsersService {
  private readonly logger = new Logger('Users');
  private dummyHash: Promise<string> | undefined;

  constructor(
    @InjectRepository(UserEntity) private readonly repo: Repository<UserEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
  ) {}

  list(): Promise<UserEntity[]> {
    return this.repo.find({ order: { username: 'ASC' } });
  }

  findById(id: string): Promise<UserEntity | null> {
    return isUuid(id) ? this.repo.findOneBy({ id }) : Promise.resolve(null);
  }

  findByUsername(username: string): Promise<UserEntity | null> {
    return this.repo.findOneBy({ username });
  }

  async get(id: string): Promise<UserEntity> {
    const user = await this.findById(id);
    if (!user) throw DomainError.notFound('user', id);
    return user;
  }

  /** Spends the same time as a real verification, for unknown usernames. */
  async verifyDummy(password: string): Promise<void> {
    this.dummyHash ??= this.hasher.hash(randomBytes(16).toString('hex'));
    await this.hasher.verify(await this.dummyHash, password);
  }

  async create(username: string, password: string, role: Role): Promise<UserEntity> {
    if (await this.findByUsername(username)) throw DomainError.conflict(`username "${username}" is already taken`, 'username');
    const passwordHash = await this.hasher.hash(password);
    return this.repo.save(this.repo.create({ username, passwordHash, role, passwordChangedAt: new Date() }));
  }

  async update(id: string, changes: { password?: string; role?: Role }, actorId?: string): Promise<UserEntity> {
    await this.get(id); // 404 before spending a hash
    const passwordHash = changes.password ? await this.hasher.hash(changes.password) : undefined;
    return this.dataSource.transaction(async (manager) => {
      const user = await this.lockForChange(manager, id, changes.role !== undefined);
      if (changes.role && changes.role !== user.role && user.role === 'admin') {
        if (actorId === user.id) throw DomainError.conflict('you cannot change your own role', 'role');
        await this.assertAnotherAdmin(manager, user.id);
      }
      if (changes.role) user.role = changes.role;
      if (passwordHash) {
        user.passwordHash = passwordHash;
        user.passwordChangedAt = new Date();
        user.sessionVersion += 1; // ends every session, even one opened in the same millisecond
      }
      return manager.getRepository(UserEntity).save(user);
    });
  }

  async setPassword(id: string, password: string): Promise<void> {
    await this.update(id, { password });
  }

  async remove(id: string, actorId?: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const user = await this.lockForChange(manager, id, true);
      if (actorId === user.id) throw DomainError.conflict('you cannot delete yourself');
      if (user.role === 'admin') await this.assertAnotherAdmin(manager, user.id);
      await manager.getRepository(UserEntity).delete({ id: user.id });
    });
  }

  /**
   * Row locks for a change that may take away an admin. Every admin row is locked first, always in
   * id order, then the target: two admins demoting or deleting each other serialise here (the second
   * waits, then sees the first one's commit: FOR UPDATE re-reads rows that changed while it waited),
   * and the fixed order means they cannot deadlock.
   */
  private async lockForChange(manager: EntityManager, id: string, mayRemoveAdmin: boolean): Promise<UserEntity> {
    const repo = manager.getRepository(UserEntity);
    if (mayRemoveAdmin) await repo.find({ where: { role: 'admin' }, select: { id: true }, order: { id: 'ASC' }, lock: { mode: 'pessimistic_write' } });
    const user = isUuid(id) ? await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } }) : null;
    if (!user) throw DomainError.notFound('user', id);
    return user;
  }

  /** Inside the transaction of lockForChange: the admin rows are locked, so the count cannot change under us. */
  private async assertAnotherAdmin(manager: EntityManager, exceptId: string): Promise<void> {
    const admins = await manager.getRepository(UserEntity).find({ where: { role: 'admin' }, select: { id: true } });
    if (!admins.some((a) => a.id !== exceptId)) throw DomainError.conflict('this is the last admin; create another admin first');
  }

  /**
   * First start only (no user at all): create the admin from ADMIN_USERNAME/ADMIN_PASSWORD, or
   * "admin" with a generated password written only to DATA_DIR/initial-admin-password (0600).
   */
  async bootstrapAdmin(options: { username?: string; password?: string; dataDir: string }): Promise<void> {
    if ((await this.repo.count()) > 0) return;
    const username = options.username ?? 'admin';
    if (options.password) {
      await this.create(username, options.password, 'admin');
      this.logger.log(`created the first admin "${username}" from ADMIN_USERNAME/ADMIN_PASSWORD`);
      return;
    }
    const password = randomBytes(18).toString('base64url');
    await this.create(username, password, 'admin');
    mkdirSync(options.dataDir, { recursive: true });
    const file = join(options.dataDir, 'initial-admin-password');
    writeFileSync(file, `${password}\n`, { mode: 0o600 });
    // The password itself stays out of the log: logs are shipped, kept and read by more people than
    // may administer the service. Only who can read DATA_DIR (mode 0600) gets it.
    this.logger.warn(`created the first admin "${username}"; its generated password is in ${file} (mode 0600): log in with it, then change it`);
  }
}
