import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ErrorDetailFilter } from './error-detail.filter';

@Module({ providers: [{ provide: APP_FILTER, useClass: ErrorDetailFilter }] })
export class ErrorsModule {}
