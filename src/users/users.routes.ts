import { Router } from 'express';

export function usersRouter(): Router {
  const router = Router();
  return router;
}
