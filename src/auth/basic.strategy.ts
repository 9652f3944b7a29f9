import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { BasicStrategy as PassportBasicStrategy } from 'passport-http';
import { CredentialsService } from './credentials.service';
import { Principal } from './principal';

/** HTTP Basic auth through passport-http; the username is the institution id (SPEC §3). */
@Injectable()
export class BasicStrategy extends PassportStrategy(PassportBasicStrategy, 'basic') {
  constructor(private readonly credentials: CredentialsService) {
    super({ passReqToCallback: true, realm: 'qr' });
  }

  async validate(req: Request, username: string, password: string): Promise<Principal | false> {
    const principal = await this.credentials.authenticate(username, password, req.ip ?? 'unknown');
    return principal ?? false;
  }
}
